/** DI token of the validated SwitchyardConfig. */
export const SWITCHYARD_CONFIG = Symbol('SWITCHYARD_CONFIG');
