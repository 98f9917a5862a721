package caravan.guardrails.injection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import caravan.embedding.EmbeddingPool;
import caravan.guardrails.Source;
import caravan.guardrails.TextSlot;
import caravan.telemetry.CallRecorder;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Scores texts with the {@link InjectionClassifier} on the gateway's {@link EmbeddingPool}, never on the
 * calling thread (an event loop): a call's unscored texts are embedded together under one permit, so a
 * conversation with several tool results competes for the pool once. When the pool is busy with other
 * calls (or its model still loading) the call is judged by the rules alone, and
 * {@code caravan_guardrail_skipped_total{guardrail="injection",reason="busy"|"loading"}} counts it: the
 * classifier gives way under load, the call never waits for it.
 *
 * <p>Scores are kept by the text's digest and source, at most {@value #KEPT_SCORES}: the same texts come back
 * on every call of a conversation (its system prompt, the earlier turns, a retrieved document an agent
 * passes on each step), and each is embedded once rather than on every call, which is what keeps the
 * classifier's cost on a busy gateway to the texts it has not seen.
 */
public final class InjectionClassifierScorer implements InjectionScorer {

    static final int KEPT_SCORES = 20_000;

    private final EmbeddingPool pool;
    private final Supplier<InjectionClassifier> weights;
    /** Read on the embedding pool at the first score: a gateway that never runs the classifier never reads them. */
    private volatile InjectionClassifier classifier;
    private final CallRecorder recorder;
    private final Cache<Key, Double> scores = Caffeine.newBuilder().maximumSize(KEPT_SCORES).build();

    /** Half of the text's SHA-256 (128 bits) and its source: a few dozen bytes a score, however long the text. */
    private record Key(long high, long low, Source source) {
    }

    private record Unscored(String text, Source source, Key key) {
    }

    /** {@code weights} is asked once, on an embedding pool thread, when the first text is scored. */
    public InjectionClassifierScorer(EmbeddingPool pool, Supplier<InjectionClassifier> weights, CallRecorder recorder) {
        this.pool = pool;
        this.weights = weights;
        this.recorder = recorder;
    }

    private InjectionClassifier classifier() {
        InjectionClassifier loaded = classifier;
        if (loaded == null) {
            synchronized (this) {
                if (classifier == null) {
                    classifier = weights.get();
                }
                loaded = classifier;
            }
        }
        return loaded;
    }

    @Override
    public void prepare() {
        pool.preload();
    }

    @Override
    public CompletionStage<Scored> highest(List<TextSlot> texts) {
        Scored known = null;
        List<Unscored> unscored = new ArrayList<>();
        for (TextSlot slot : texts) {
            Key key = key(slot.text(), slot.source());
            Double score = scores.getIfPresent(key);
            if (score != null) {
                known = higher(known, new Scored(score, slot.source()));
            } else {
                unscored.add(new Unscored(slot.text(), slot.source(), key));
            }
        }
        if (unscored.isEmpty()) {
            return CompletableFuture.completedFuture(known == null ? new Scored(0, null) : known);
        }
        Scored fromCache = known;
        CompletableFuture<Scored> fresh = pool.tryRun(model -> {
            Scored highest = fromCache;
            for (Unscored text : unscored) {
                double score = classifier().score(model, text.text(), text.source());
                scores.put(text.key(), score);
                highest = higher(highest, new Scored(score, text.source()));
            }
            return highest;
        });
        if (fresh == null) {
            recorder.onGuardrailSkipped(InjectionGuardrail.NAME, pool.loaded() ? "busy" : "loading");
            // what was scored before still counts; the rest is left to the rules
            return CompletableFuture.completedFuture(fromCache);
        }
        return fresh;
    }

    private static Scored higher(Scored a, Scored b) {
        return a == null || b.score() > a.score() ? b : a;
    }

    private static Key key(String text, Source source) {
        ByteBuffer digest = ByteBuffer.wrap(InjectionExamples.sha256(text.getBytes(StandardCharsets.UTF_8)));
        return new Key(digest.getLong(), digest.getLong(), source);
    }
}
