package caravan.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.Context;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Token tables "not in memory" whose load waits until the test releases it, for tests of a step that must
 * not load them on its event loop: it records the thread the load ran on, and the tables count as loaded
 * once released.
 */
public final class HeldTokenTables {

    private final CompletableFuture<String> loadedOn = new CompletableFuture<>();
    private final CountDownLatch mayFinish = new CountDownLatch(1);
    private final AtomicBoolean loaded = new AtomicBoolean();

    public TokenTables tables() {
        return new TokenTables(loaded::get, () -> {
            loadedOn.complete(Thread.currentThread().getName());
            try {
                mayFinish.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            loaded.set(true);
        });
    }

    /** The load started on a thread that is not an event loop, and {@code loop} runs other work while it is held. */
    public void assertLoadingOffTheLoopWhileItServes(Context loop) throws Exception {
        assertThat(loadedOn.get(10, TimeUnit.SECONDS)).doesNotContain("eventloop");
        CompletableFuture<Boolean> servedMeanwhile = new CompletableFuture<>();
        loop.runOnContext(v -> servedMeanwhile.complete(true));
        assertThat(servedMeanwhile.get(10, TimeUnit.SECONDS)).isTrue();
    }

    public void release() {
        mayFinish.countDown();
    }
}
