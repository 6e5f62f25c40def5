import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { callerOf } from './caller.interface';

/** Handler parameter: the request's Caller, or undefined when auth is off. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext) => callerOf(ctx.switchToHttp().getRequest()));
