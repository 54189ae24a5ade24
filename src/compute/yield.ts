/**
 * Resolves in a new macrotask, so that queued messages (a cancel, a crash probe) run first; the
 * core's own, which uses a MessageChannel since browsers clamp nested setTimeout(0) to 4 ms.
 */
export { yieldToEventLoop } from '../core/errors/training-error';
