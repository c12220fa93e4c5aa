/** `state.get`: the recorder's state, as the retained `state` topic carries it. */
import type { Handler } from './context.js';

export const stateGet: Handler<'state.get'> = async (_cmd, ctx) => ctx.state();
