package caravan.embedding;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The embedding pool declines what it cannot start at once: a busy pool, or a model still loading; a model that
 * failed to load is loaded again by a call after a growing wait.
 */
class EmbeddingPoolTest {

    /** A model whose embeddings wait for the test's latch. */
    static final class HeldModel implements EmbeddingModel {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(1);

        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            started.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.from(segments.stream().map(segment -> Embedding.from(new float[] {1, 0})).toList());
        }
    }

    @Test
    void aBusyPoolDeclinesInsteadOfQueueing() throws Exception {
        HeldModel model = new HeldModel();
        EmbeddingPool pool = new EmbeddingPool(1, () -> model);
        try {
            assertThat(pool.tryEmbed("loads the model")).isNull();
            await().until(() -> pool.tryEmbed("probe") != null || model.started.getCount() == 0);
            assertThat(model.started.await(10, TimeUnit.SECONDS)).isTrue();
            // the one thread is busy with the probe
            assertThat(pool.tryEmbed("declined")).isNull();
            model.release.countDown();
            await().until(() -> {
                CompletableFuture<float[]> embedded = pool.tryEmbed("runs");
                return embedded != null && embedded.get(10, TimeUnit.SECONDS).length == 2;
            });
        } finally {
            model.release.countDown();
            pool.close();
        }
    }

    @Test
    void whatFollowsAFinishedWorkFindsThePoolFree() throws Exception {
        HeldModel model = new HeldModel();
        EmbeddingPool pool = new EmbeddingPool(1, () -> model);
        try {
            AtomicReference<CompletableFuture<float[]>> first = new AtomicReference<>();
            await().until(() -> {
                first.set(pool.tryEmbed("first"));
                return first.get() != null;
            });
            assertThat(model.started.await(10, TimeUnit.SECONDS)).isTrue();
            // chained while the work runs, so it runs as the work completes, on the pool's thread: as a client
            // answered by this work would send its next call at once
            CompletableFuture<Boolean> nextAccepted = first.get().thenApply(vector -> pool.tryEmbed("next") != null);

            model.release.countDown();

            assertThat(nextAccepted.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            model.release.countDown();
            pool.close();
        }
    }

    @Test
    void aFailedLoadIsTriedAgainByACallAfterTheWait() {
        AtomicInteger attempts = new AtomicInteger();
        EmbeddingModel model = new HeldModel();
        EmbeddingPool pool = new EmbeddingPool(1, () -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("no room to unpack the model");
            }
            return model;
        }, Duration.ZERO);
        try {
            assertThat(pool.tryRun(loaded -> 1)).isNull();
            // the first load has failed and been recorded (with no wait, nothing holds the next one back)
            await().atMost(10, TimeUnit.SECONDS).until(() -> attempts.get() == 1 && !pool.loading());
            assertThat(pool.loaded()).isFalse();

            await().atMost(10, TimeUnit.SECONDS).until(() -> pool.tryRun(loaded -> 1) != null);
            assertThat(attempts).hasValue(2);
        } finally {
            pool.close();
        }
    }

    @Test
    void untilTheWaitIsOverCallsAreDeclinedWithoutLoadingAgain() {
        AtomicInteger attempts = new AtomicInteger();
        EmbeddingPool pool = new EmbeddingPool(1, () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("the model's file is damaged");
        }, Duration.ofHours(1));
        try {
            pool.preload();
            await().atMost(10, TimeUnit.SECONDS).until(pool::waitingToRetry);
            for (int i = 0; i < 100; i++) {
                assertThat(pool.tryRun(loaded -> 1)).isNull();
            }
            pool.preload();

            assertThat(pool.loading()).isFalse();
            assertThat(attempts).hasValue(1);
        } finally {
            pool.close();
        }
    }
}
