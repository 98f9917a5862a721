package caravan.guardrails.size;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import caravan.api.ChatRequest;
import caravan.api.ChatResponse;
import caravan.api.Json;
import caravan.api.TokenTables;
import caravan.dialect.openai.OpenAiDialect;
import caravan.guardrails.AnswerTexts;
import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.RequestTexts;
import caravan.guardrails.Stage;
import caravan.guardrails.Verdict;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A request over a number of tokens (counted as the admission counts them) or characters. */
class SizeGuardrailTest {

    private static final ChatRequest REQUEST = OpenAiDialect.INSTANCE.decodeRequest(("""
            {"model":"m","messages":[{"role":"user","content":"%s"}]}""".formatted("word ".repeat(200))).getBytes());

    @Test
    void overATokenLimit() {
        assertThat(judge(Map.of("maxTokens", "100")).score()).isEqualTo(1.0);
        assertThat(judge(Map.of("maxTokens", "100")).reason()).contains("over the limit of 100").contains("tokens");
        assertThat(judge(Map.of("maxTokens", "1000")).score()).isZero();
    }

    @Test
    void overACharacterLimit() {
        assertThat(judge(Map.of("maxChars", "999")).score()).isEqualTo(1.0);
        assertThat(judge(Map.of("max_chars", "1000")).score()).isZero();
    }

    @Test
    void aLimitIsRequired() {
        assertThatThrownBy(() -> SizeGuardrail.create(Map.of(), null)).hasMessageContaining("maxTokens or maxChars");
    }

    @Test
    void whileTheTokenTablesLoadTheCountWaitsOnAWorker() throws Exception {
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> new Thread(task, "size-test-worker"));
        try {
            CompletableFuture<String> countedOn = new CompletableFuture<>();
            Guardrail size = new SizeGuardrail(100, -1, task -> worker.execute(() -> {
                countedOn.complete(Thread.currentThread().getName());
                task.run();
            }), new TokenTables(() -> false, () -> { }));

            Verdict verdict = size.check(new Check(Stage.PRE, RequestTexts.of(REQUEST), REQUEST, null, null))
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(countedOn.get(10, TimeUnit.SECONDS)).isEqualTo("size-test-worker");
            assertThat(verdict.score()).isEqualTo(1.0);
        } finally {
            worker.shutdownNow();
        }
    }

    @Test
    void anAnswersCountIsMadeWhereItIsAskedForAStreamsEndCannotWait() throws Exception {
        // a stream's end judges its post checks before it ends: a verdict that came later would be lost
        Guardrail size = new SizeGuardrail(100, -1, task -> {
            throw new AssertionError("an answer's count must not go to a worker");
        }, new TokenTables(() -> false, () -> { }));
        ChatResponse answer = ChatResponse.of(Json.objectOrNull(("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":"%s"},"finish_reason":"stop"}]}"""
                .formatted("word ".repeat(200))).getBytes(StandardCharsets.UTF_8)), null);

        CompletableFuture<Verdict> verdict = size.check(new Check(Stage.POST, AnswerTexts.of(answer), REQUEST, answer, null))
                .toCompletableFuture();

        assertThat(verdict).isDone();
        assertThat(verdict.join().score()).isEqualTo(1.0);
    }

    private static Verdict judge(Map<String, Object> settings) {
        Guardrail size = SizeGuardrail.create(settings, null);
        return size.check(new Check(Stage.PRE, RequestTexts.of(REQUEST), REQUEST, null, null)).toCompletableFuture().join();
    }
}
