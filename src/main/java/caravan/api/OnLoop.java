package caravan.api;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Where a call goes on after an asynchronous step: on the Vert.x context it was on when the step began. A
 * store's pool, Redis's client or a worker completes its futures on its own threads; a route that went on
 * from there would run its next steps and its provider call on that thread, off the call's event loop, and
 * race the loop's own handlers of the same call (its client's close, its stream's writes).
 */
public final class OnLoop {

    private OnLoop() {
    }

    /** The calling thread's context, to go on from later; null off Vert.x (a test, a Camel thread). */
    public static Context current() {
        return Vertx.currentContext();
    }

    /** Runs {@code task} now when on {@code loop} already (or when there is none), else queued on it. */
    public static void run(Context loop, Runnable task) {
        if (loop == null || Vertx.currentContext() == loop) {
            task.run();
        } else {
            loop.runOnContext(v -> task.run());
        }
    }
}
