package caravan.guardrails;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import caravan.guardrails.banned.BannedGuardrail;
import caravan.guardrails.injection.InjectionGuardrail;
import caravan.guardrails.pii.PiiGuardrail;
import caravan.guardrails.refusal.RefusalGuardrail;
import caravan.guardrails.secrets.SecretsGuardrail;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inputs built to make pattern matchers backtrack or rescan: each is half a megabyte of what one of the
 * scanners reacts to (separators between digits, {@code @} runs, key prefixes, half-open PEM headers,
 * repeated injection words, hex and colons), fed to every text guardrail at once. The scanners are linear in
 * their input, so each finishes in milliseconds; the bound only catches a scanner that is not (a
 * backtracking pattern takes minutes to years on these). The banned pattern is the classic catastrophic
 * {@code (a+)+$}, which RE2/J runs in linear time.
 */
class AdversarialInputsTest {

    private static final int SIZE = 512 * 1024;
    private static final List<Guardrail> GUARDRAILS = List.of(
            PiiGuardrail.create(Map.of(), null),
            SecretsGuardrail.create(Map.of(), null),
            InjectionGuardrail.create(Map.of(), null),
            BannedGuardrail.create(Map.of("terms", List.of("ignore previous", "a a a b"), "pattern", "(a+)+$"), null));

    private static final Guardrail REFUSAL = RefusalGuardrail.create(Map.of(), null);

    static List<String> inputs() {
        return List.of(
                repeat("1 "), repeat("1-"), repeat("12."), repeat("+("),
                repeat("a@"), repeat("@a."), "a".repeat(SIZE) + "@", "x@" + "a.".repeat(SIZE / 2),
                repeat("sk-"), repeat("sk-ant-a"), repeat("eyJ."), repeat("eyJa."), repeat("Bearer "), repeat("key="),
                repeat("-----BEGIN "), repeat("-----BEGIN RSA PRIVATE KEY-----"), repeat("AKIA"), repeat("ghp_"),
                repeat("a:"), repeat("::1 "), repeat("1:"), repeat("DE89 "), repeat("GB82WEST"),
                repeat("ignore "), repeat("ignore all previous "), repeat("<|"), repeat("["), repeat("a "),
                "a".repeat(SIZE) + "!");
    }

    private static String repeat(String unit) {
        return unit.repeat(SIZE / unit.length());
    }

    @ParameterizedTest(name = "{index}")
    @MethodSource("inputs")
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void everyTextGuardrailFinishesOnHostileInput(String input) {
        IntFunction<Texts> texts = i -> new Texts(List.of(new TextSlot(0, -1, Source.USER, input),
                new TextSlot(1, -1, Source.THIRD_PARTY, input)));
        for (Guardrail guardrail : GUARDRAILS) {
            guardrail.check(new Check(Stage.PRE, texts.apply(0), null, null, null)).toCompletableFuture().join();
        }
        Texts answer = new Texts(List.of(new TextSlot(0, -1, Source.ANSWER, input)));
        REFUSAL.check(new Check(Stage.POST, answer, null, null, null)).toCompletableFuture().join();
    }
}
