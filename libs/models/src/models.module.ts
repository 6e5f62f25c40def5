import { Module } from '@nestjs/common';
import { RuntimeModule } from '@switchyard/runtime';
import { ModelRepositoryService } from './model-repository.service';
import { ModelFolderAdapter } from './repository/model-folder.adapter';
import { ModelPinner } from './repository/model-pinner';
import { RemoteRematchService } from './repository/remote-rematch.service';
import { ModelTrust } from './trust/model-trust.service';

@Module({
  imports: [RuntimeModule],
  providers: [ModelFolderAdapter, ModelPinner, ModelTrust, ModelRepositoryService, RemoteRematchService],
  exports: [ModelRepositoryService, RuntimeModule],
})
export class ModelsModule {}
