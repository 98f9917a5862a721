package caravan.embedding;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.langchain4j.model.embedding.EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the in-process embedding model off the event loops, on a few threads of its own, admitting no more
 * work than it has threads: work starts only when a permit is free at once, otherwise the caller is told to
 * do without (the semantic lookup is skipped, the injection classifier leaves the call to its rules), never
 * queued behind other calls' embeddings. One pool serves the semantic cache and the guardrails, so the
 * model's threads are bounded for the whole gateway. A permit is held for the whole of a caller's work on
 * the thread (everything it does with the model and the results, such as the cache's search, goes in the
 * work it hands over) and given back before the work's future completes, so work is declined only while
 * others are really running, and a client that sends its next call when the answer to this one arrives
 * finds the permit free; the executor's queue holds at most a task whose thread is finishing the previous
 * one, for microseconds. The
 * model (bge-small-en-v1.5, quantized, shipped inside its Maven artifact: no network, no key) loads on this
 * pool the first time it is needed, or at start when a feature that needs it is configured; until it has
 * loaded, work is declined too.
 */
public final class EmbeddingPool {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingPool.class);

    private final ThreadPoolExecutor threads;
    private final Semaphore permits;
    private final Supplier<EmbeddingModel> loader;
    /** The wait after a failed load before the next one; doubled each time, up to {@link #MAX_RETRY_DELAY}. */
    private final Duration firstRetryDelay;
    private volatile EmbeddingModel model;
    private volatile boolean loading;
    /** Set after a failed load: no new attempt before {@link #retryAtNanos}. */
    private volatile boolean failed;
    private volatile long retryAtNanos;
    private int failures;

    static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(30);
    static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);

    /** @param size work running at once; more is declined */
    public EmbeddingPool(int size, Supplier<EmbeddingModel> loader) {
        this(size, loader, FIRST_RETRY_DELAY);
    }

    /** @param firstRetryDelay how long a failed load waits before the next call may start another */
    EmbeddingPool(int size, Supplier<EmbeddingModel> loader, Duration firstRetryDelay) {
        this.firstRetryDelay = firstRetryDelay;
        AtomicInteger count = new AtomicInteger();
        this.permits = new Semaphore(size);
        this.threads = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "caravan-embedding-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.loader = loader;
    }

    /**
     * The gateway's model, bge-small-en-v1.5 quantized, loaded now, outside the heap ({@link BgeSmallModel}).
     * Its own executor is the calling thread: a text of several windows is embedded on the thread that asked
     * (the pool's), not fanned out to threads the pool does not count.
     */
    public static EmbeddingModel bgeSmall() {
        return BgeSmallModel.load();
    }

    /** Starts loading the model now, on the pool, so that the first call that needs it need not be declined. */
    public void preload() {
        ensureLoading();
    }

    /** Whether a load is under way now. */
    boolean loading() {
        return loading;
    }

    /** Whether the model has loaded (until then every {@link #tryRun} is declined). */
    public boolean loaded() {
        return model != null;
    }

    /**
     * The text's embedding (unit length), computed on the pool; null when every thread is busy or the model
     * is still loading: the caller goes on without it.
     */
    public CompletableFuture<float[]> tryEmbed(String text) {
        return tryRun(loaded -> vector(loaded, text));
    }

    /** The text's embedding by {@code model} (unit length), for work run by {@link #tryRun}. */
    public static float[] vector(EmbeddingModel model, String text) {
        return model.embed(text).content().vector();
    }

    /**
     * {@code work} with the model, on the pool; null when every thread is busy or the model is still loading.
     * The permit is given back before the future completes: what the caller chains on it runs after (still
     * on the pool thread when chained without an executor), so work that needs the pool's thread bound goes
     * in {@code work}.
     */
    public <T> CompletableFuture<T> tryRun(Function<EmbeddingModel, T> work) {
        EmbeddingModel loaded = model;
        if (loaded == null) {
            ensureLoading();
            return null;
        }
        if (!permits.tryAcquire()) {
            return null;
        }
        CompletableFuture<T> done = new CompletableFuture<>();
        threads.execute(() -> {
            T result;
            try {
                result = work.apply(loaded);
            } catch (RuntimeException e) {
                permits.release();
                done.completeExceptionally(e);
                return;
            }
            // released first: completing runs the caller's continuation, which may answer a client whose next
            // call must find the pool free again
            permits.release();
            done.complete(result);
        });
        return done;
    }

    /** The embedding, on the calling thread (tests, tools and the bench); loads the model if needed. */
    public float[] embedNow(String text) {
        return load().embed(text).content().vector();
    }

    private synchronized EmbeddingModel load() {
        if (model == null) {
            long started = System.nanoTime();
            model = loader.get();
            LOG.info("Embedding model loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
        return model;
    }

    private void ensureLoading() {
        if (loading || waitingToRetry()) {
            return;
        }
        synchronized (this) {
            if (loading || waitingToRetry()) {
                return;
            }
            loading = true;
        }
        threads.execute(() -> {
            try {
                load();
            } catch (RuntimeException | LinkageError e) {
                // a load can fail for a passing reason (memory, a full temporary folder): the next call after a
                // growing wait tries again, so the features come back without a restart and a lasting failure
                // costs a load now and then, not one per call
                Duration wait = failedOnce();
                LOG.error("The embedding model could not be loaded; semantic lookups and the injection classifier are "
                        + "skipped; the next call after {} s loads it again", wait.toSeconds(), e);
            }
        });
    }

    boolean waitingToRetry() {
        return failed && System.nanoTime() - retryAtNanos < 0;
    }

    private synchronized Duration failedOnce() {
        failures++;
        Duration wait = firstRetryDelay.multipliedBy(1L << Math.min(failures - 1, 20));
        if (wait.compareTo(MAX_RETRY_DELAY) > 0) {
            wait = MAX_RETRY_DELAY;
        }
        retryAtNanos = System.nanoTime() + wait.toNanos();
        failed = true;
        loading = false;
        return wait;
    }

    public void close() {
        threads.shutdownNow();
    }
}
