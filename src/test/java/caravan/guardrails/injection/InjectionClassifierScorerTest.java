package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.TextSlot;
import caravan.telemetry.CallRecorder;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The classifier's weights are read when the first text is scored, on the embedding pool, once: a gateway
 * whose calls never reach the classifier never reads them, and its start does not wait for them.
 */
class InjectionClassifierScorerTest {

    @Test
    void theWeightsAreReadAtTheFirstScoreOnThePoolOnce() throws Exception {
        List<String> readOn = new CopyOnWriteArrayList<>();
        Supplier<InjectionClassifier> weights = () -> {
            readOn.add(Thread.currentThread().getName());
            return InjectionClassifier.load();
        };
        EmbeddingPool pool = new EmbeddingPool(1, FlatModel::new);
        try {
            InjectionClassifierScorer scorer = new InjectionClassifierScorer(pool, weights, CallRecorder.detached());
            scorer.prepare();
            awaitLoaded(pool);
            assertThat(readOn).isEmpty();

            scorer.highest(List.of(new TextSlot(0, -1, Source.USER, "What is the capital of France?")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            scorer.highest(List.of(new TextSlot(0, -1, Source.THIRD_PARTY, "Weather: sunny, 21 degrees.")))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(readOn).hasSize(1);
            assertThat(readOn.get(0)).startsWith("caravan-embedding-");
        } finally {
            pool.close();
        }
    }

    private static void awaitLoaded(EmbeddingPool pool) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pool.loaded() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(pool.loaded()).isTrue();
    }

    /** Every text the same unit vector of the gateway model's size: the weights' reading is what is tested. */
    private static final class FlatModel implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            List<Embedding> embeddings = new ArrayList<>();
            for (int i = 0; i < segments.size(); i++) {
                float[] vector = new float[384];
                vector[0] = 1;
                embeddings.add(Embedding.from(vector));
            }
            return Response.from(embeddings);
        }
    }
}
