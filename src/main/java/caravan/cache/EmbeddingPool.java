package caravan.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import dev.langchain4j.model.embedding.EmbeddingModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the in-process embedding model off the event loops, on a few threads of its own, admitting no more
 * work than it has threads: a text is embedded only when a permit is free at once, otherwise the caller is
 * told to do without (the semantic lookup is skipped, never queued behind other calls' embeddings). A permit
 * is held for the whole of a lookup's work on the thread (the embedding, and the search that follows it)
 * and given back as that work ends, so a lookup is declined only while others are really running; the
 * executor's queue holds at most a task whose thread is finishing the previous one, for microseconds. Texts
 * are embedded as {@link QuestionText} writes them. The model (bge-small-en-v1.5,
 * quantized, shipped inside its Maven artifact: no network, no key) loads on this pool the first time it is
 * needed, or at start when the gateway's default mode is semantic; until it has loaded, embeddings are
 * declined too.
 */
public final class EmbeddingPool {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingPool.class);

    private final ThreadPoolExecutor threads;
    private final Semaphore permits;
    private final Supplier<EmbeddingModel> loader;
    private volatile EmbeddingModel model;
    private volatile boolean loading;

    /** @param size embeddings running at once; more are declined */
    public EmbeddingPool(int size, Supplier<EmbeddingModel> loader) {
        AtomicInteger count = new AtomicInteger();
        this.permits = new Semaphore(size);
        this.threads = new ThreadPoolExecutor(size, size, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "caravan-embedding-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.loader = loader;
    }

    /** Starts loading the model now, on the pool, so that the first semantic call need not decline. */
    public void preload() {
        ensureLoading();
    }

    /**
     * The text's embedding (unit length), computed on the pool; null when every thread is busy or the model
     * is still loading: the caller goes on without it. What the caller chains on the future without an
     * executor (the search) runs on the pool thread, under the same permit.
     */
    public CompletableFuture<float[]> tryEmbed(String text) {
        EmbeddingModel loaded = model;
        if (loaded == null) {
            ensureLoading();
            return null;
        }
        if (!permits.tryAcquire()) {
            return null;
        }
        CompletableFuture<float[]> embedded = new CompletableFuture<>();
        threads.execute(() -> {
            try {
                embedded.complete(loaded.embed(QuestionText.normalize(text)).content().vector());
            } catch (RuntimeException e) {
                embedded.completeExceptionally(e);
            } finally {
                permits.release();
            }
        });
        return embedded;
    }

    /** The embedding, on the calling thread (tests and the bench); loads the model if needed. */
    public float[] embedNow(String text) {
        return load().embed(QuestionText.normalize(text)).content().vector();
    }

    private synchronized EmbeddingModel load() {
        if (model == null) {
            long started = System.nanoTime();
            model = loader.get();
            LOG.info("Semantic cache: embedding model loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
        }
        return model;
    }

    private void ensureLoading() {
        if (loading) {
            return;
        }
        synchronized (this) {
            if (loading) {
                return;
            }
            loading = true;
        }
        threads.execute(() -> {
            try {
                load();
            } catch (RuntimeException | LinkageError e) {
                LOG.error("Semantic cache: the embedding model could not be loaded; semantic lookups are skipped", e);
            }
        });
    }

    public void close() {
        threads.shutdownNow();
    }
}
