package caravan.guardrails.refusal;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A model refusing, in the words models refuse in, at the start of its answer; helpful answers left alone. */
class RefusalGuardrailTest {

    @Test
    void refusals() {
        for (String refusal : List.of(
                "I'm sorry, but I can't help with that.",
                "I cannot assist with this request.",
                "I’m unable to provide that information.",
                "I am not able to help with that.",
                "Sorry, I won't do that.",
                "As an AI language model, I cannot browse the internet.",
                "I must decline.")) {
            assertThat(RefusalGuardrail.refuses(refusal)).as(refusal).isTrue();
        }
    }

    @Test
    void answersThatAreNotRefusals() {
        for (String answer : List.of(
                "Sure! Here is how you can help with that: first, ...",
                "I can help with that. The capital of France is Paris.",
                "Yes, it's possible. You can't go wrong with option A.",
                "x ".repeat(200) + "I'm sorry, but I can't help with that.")) {
            assertThat(RefusalGuardrail.refuses(answer)).as(answer).isFalse();
        }
    }
}
