package caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;

import caravan.embedding.EmbeddingPool;
import caravan.cache.SemanticIndex;

/**
 * What a semantic lookup costs with a full index (README "Caching"; run by bench/cache.sh, not a test): one
 * tenant's index filled with ENTRIES entries (100 000 by default) in one context (the worst case: the
 * context filter lets the whole graph be searched), then LOOKUPS lookups of real questions, each the
 * embedding of the question by the model in process plus the HNSW search, timed one at a time. Prints the
 * p50 and p99 of the embedding, the search and both, and what the index holds: the heap after a full
 * collection and the bytes of its memory-mapped files.
 *
 *   java -Xmx200m -cp target/caravan.jar:target/test-classes caravan.bench.SemanticLookupBench
 */
public final class SemanticLookupBench {

    public static void main(String[] args) throws IOException {
        int entries = Integer.getInteger("ENTRIES", 100_000);
        int lookups = Integer.getInteger("LOOKUPS", 1_000);
        Path folder = Files.createTempDirectory("caravan-semantic-bench");
        EmbeddingPool pool = new EmbeddingPool(1, EmbeddingPool::bgeSmall);
        float[] probe = pool.embedNow("warm up");
        long heapBefore = usedHeapAfterGc();
        SemanticIndex index = new SemanticIndex(folder, entries);
        Random random = new Random(42);
        long expires = System.currentTimeMillis() + 3_600_000;
        long fillStarted = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            // stored questions stand in as random unit vectors near the real ones' space: the search's work is the same
            index.add("bench", "one-context", unit(random, probe.length), "key-" + i, expires);
        }
        index.upkeep();
        long fillMillis = (System.nanoTime() - fillStarted) / 1_000_000;
        long heapAfter = usedHeapAfterGc();

        String[] questions = {"What's the capital of France?", "how do i reset my password",
                "At sea level, what temperature does water boil at?", "Which mountain is the highest on Earth?"};
        long[] embed = new long[lookups];
        long[] search = new long[lookups];
        for (int i = 0; i < lookups; i++) {
            long started = System.nanoTime();
            float[] vector = pool.embedNow(questions[i % questions.length] + " " + (i / questions.length));
            long embedded = System.nanoTime();
            index.search("bench", "one-context", vector, 0.0);
            search[i] = System.nanoTime() - embedded;
            embed[i] = embedded - started;
        }
        long[] total = new long[lookups];
        for (int i = 0; i < lookups; i++) {
            total[i] = embed[i] + search[i];
        }
        System.out.printf("entries %d (filled in %d ms), lookups %d%n", entries, fillMillis, lookups);
        System.out.printf("embedding  p50 %.2f ms  p99 %.2f ms%n", percentile(embed, 0.5), percentile(embed, 0.99));
        System.out.printf("search     p50 %.2f ms  p99 %.2f ms%n", percentile(search, 0.5), percentile(search, 0.99));
        System.out.printf("lookup     p50 %.2f ms  p99 %.2f ms%n", percentile(total, 0.5), percentile(total, 0.99));
        System.out.printf("heap held by the index: %.1f MB; its mapped files: %.1f MB%n",
                (heapAfter - heapBefore) / 1e6, folderBytes(folder) / 1e6);
        index.close();
        pool.close();
    }

    private static float[] unit(Random random, int dimensions) {
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    private static double percentile(long[] nanos, double quantile) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)] / 1e6;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long folderBytes(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
