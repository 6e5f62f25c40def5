// The one withTimeout lives in @switchyard/common. This path stays only until the jobs code that
// still imports it here (the Redis jobs service, the store work under way) imports it from there.
export { withTimeout } from '@switchyard/common';
