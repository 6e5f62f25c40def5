import { InvalidRequestError } from '@switchyard/common';

/** A configured or requested policy name is not registered (400 when it comes from a request). */
export class UnknownPolicyError extends InvalidRequestError {}
