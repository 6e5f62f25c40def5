import { Module } from '@nestjs/common';
import { RuntimeModule } from '@switchyard/runtime';
import { ModelRepositoryService } from './model-repository.service';
import { ModelFolderAdapter } from './repository/model-folder.adapter';
import { ModelPinner } from './repository/model-pinner';
import { RemoteRematchService } from './repository/remote-rematch.service';

@Module({
  imports: [RuntimeModule],
  providers: [ModelFolderAdapter, ModelPinner, ModelRepositoryService, RemoteRematchService],
  exports: [ModelRepositoryService, RuntimeModule],
})
export class ModelsModule {}
