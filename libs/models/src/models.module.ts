import { Module } from '@nestjs/common';
import { RuntimeModule } from '@switchyard/runtime';
import { ModelRepositoryService } from './model-repository.service';
import { ModelFolderAdapter } from './repository/model-folder.adapter';

@Module({
  imports: [RuntimeModule],
  providers: [ModelFolderAdapter, ModelRepositoryService],
  exports: [ModelRepositoryService, RuntimeModule],
})
export class ModelsModule {}
