/** Absolute path of the compiled execution-provider probe script a probe child runs. */
export const EP_PROBE_SCRIPT = Symbol('EP_PROBE_SCRIPT');

/** Root under which /sys and /dev are read (default "/"; a test points it at a fake tree). */
export const HOST_FS_ROOT = Symbol('HOST_FS_ROOT');
