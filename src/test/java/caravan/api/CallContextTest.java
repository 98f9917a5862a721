package caravan.api;

import java.math.BigDecimal;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** One request's call: its attempts, what they paid for, the chains around them and its clock. */
class CallContextTest {

    @Test
    void theLatestAttemptServesTheCallAndEveryAttemptsUsageIsPaid() {
        CallContext call = new CallContext("id-1", "/v1/chat/completions", 1_000);

        call.attemptStarted("openai", "gpt-4o").ended(new Usage(10, 2, 0, 0, 0), new BigDecimal("0.000045"),
                GatewayException.upstreamUnavailable("cut", null));
        CallContext.Attempt second = call.attemptStarted("openai", "gpt-4o-mini");
        second.answeredBy("echo", "gpt-4o-mini");
        second.ended(new Usage(10, 5, 4, 0, 1), BigDecimal.ZERO, null);

        assertThat(call.attemptCount()).isEqualTo(2);
        assertThat(call.provider()).isEqualTo("echo");
        assertThat(call.model()).isEqualTo("gpt-4o-mini");
        assertThat(call.paidUsage()).isEqualTo(new Usage(20, 7, 4, 0, 1));
        assertThat(call.attempts().get(0).error().code()).isEqualTo("upstream_unavailable");
        assertThat(call.attempts().get(1).durationNanos()).isNotNegative();
        assertThat(call.paidCostUsd()).isEqualByComparingTo("0.000045");
    }

    @Test
    void aCallsCostIsUnknownWhenAnAttemptUsedTokensOfAModelWithoutAPrice() {
        CallContext call = new CallContext("id-2", "/v1/chat/completions", 1_000);
        // a connection refused used nothing and costs nothing, whatever its model's price
        call.attemptStarted("vllm", "mine").ended(null, null, GatewayException.upstreamUnavailable("refused", null));
        assertThat(call.paidCostUsd()).isEqualByComparingTo("0");

        call.attemptStarted("openai", "gpt-4o").ended(new Usage(10, 2, 0, 0, 0), new BigDecimal("0.000045"),
                GatewayException.upstreamUnavailable("cut", null));
        call.attemptStarted("vllm", "mine").ended(new Usage(10, 5, 0, 0, 0), null, null);

        assertThat(call.paidCostUsd()).isNull();
    }

    @Test
    void knowsWhenAFallbackChainRunsIt() {
        CallContext call = new CallContext("id-2", null, 1_000);

        call.enterFallbackChain();
        call.enterFallbackChain();
        call.leaveFallbackChain();

        assertThat(call.inFallbackChain()).isTrue();
        call.leaveFallbackChain();
        assertThat(call.inFallbackChain()).isFalse();
    }

    @Test
    void countsTheProvidersTimeOutOfTheGatewaysOverhead() throws Exception {
        CallContext call = new CallContext("id-3", null, 1_000);

        call.upstreamStarted();
        Thread.sleep(50);
        call.upstreamFinished();

        assertThat(call.overheadNanos()).isLessThan(40_000_000L);
        assertThat(call.remainingNanos()).isPositive().isLessThan(1_000_000_000L);
    }

    @Test
    void handsTheStreamedTextToWhoeverWaitsForIt() {
        CallContext call = new CallContext("id-4", null, 1_000);
        List<String> texts = new ArrayList<>();
        call.onAnswered(texts::add);

        call.streamed(chunk("Hello"));
        call.streamed(chunk(", world"));
        call.answered(null, false);
        call.onAnswered(texts::add);

        assertThat(texts).containsExactly("Hello, world", "Hello, world");
    }

    @Test
    void aListenerArrivingAfterAWholeAnswerStillReadsItsText() {
        CallContext call = new CallContext("id-5", null, 1_000);
        call.answered(ChatResponse.ofCompletionBytes(("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Hi there\"},\"finish_reason\":\"stop\"}]}").getBytes(java.nio.charset.StandardCharsets.UTF_8), null),
                false);
        List<String> texts = new ArrayList<>();

        call.onAnswered(texts::add);

        assertThat(texts).containsExactly("Hi there");
    }

    private static ChatChunk chunk(String content) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.putArray("choices").addObject().putObject("delta").put("content", content);
        return ChatChunk.of(json, null);
    }
}
