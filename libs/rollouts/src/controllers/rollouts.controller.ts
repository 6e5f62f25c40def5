import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { readJsonObject, Scope } from '@switchyard/common';
import type { RolloutState } from '../interfaces/rollout-state.interface';
import { RolloutService } from '../rollout.service';

/** PUT/GET/DELETE /v1/models/{m}/rollout: canary and shadow rollouts of a candidate version. */
@Controller('v1/models/:model/rollout')
@Scope('admin')
export class RolloutsController {
  constructor(private readonly rollouts: RolloutService) {}

  @Put()
  @HttpCode(200)
  put(@Param('model') model: string, @Body() body: unknown): Promise<RolloutState> {
    return this.rollouts.put(model, readJsonObject(body, 'rollout'));
  }

  @Get()
  get(@Param('model') model: string): Promise<RolloutState> {
    return this.rollouts.view(model);
  }

  @Delete()
  @HttpCode(200)
  abort(@Param('model') model: string): Promise<RolloutState> {
    return this.rollouts.abort(model);
  }
}
