package caravan.guardrails.refusal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.PhraseMatcher;
import caravan.guardrails.PhraseMatcher.Phrase;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Stage;
import caravan.guardrails.TextSlot;
import caravan.guardrails.Verdict;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code refusal}: the model declined to answer ("I'm sorry, but I can't help with that"), told by OpenAI's
 * {@code refusal} field or by the wordings models refuse in, at the start of the answer (a refusal opens the
 * answer; the same words deep in a long answer are usually about something else). On {@code block} the
 * answer is unusable: a fallback route asks its next model, else the client gets 502 {@code guardrail_failed};
 * on {@code warn} it is counted.
 */
public final class RefusalGuardrail implements Guardrail {

    public static final String NAME = "refusal";
    /** How far into the answer a refusal is looked for. */
    static final int OPENING = 300;

    private static final String VERBS = "[help assist comply provide fulfill support answer create generate share engage "
            + "write do continue]";
    private static final PhraseMatcher RULES = new PhraseMatcher(List.of(
            new Phrase("i [can't cannot won't] *3 " + VERBS, "refusal"),
            new Phrase("i [can will] not *3 " + VERBS, "refusal"),
            new Phrase("[i'm i] [am]? [unable not] [able]? to *2 " + VERBS, "refusal"),
            new Phrase("[sorry apologize apologies] *6 [can't cannot unable won't]", "refusal"),
            new Phrase("as an ai *5 [can't cannot unable not]", "refusal"),
            new Phrase("i [must] [decline refuse]", "refusal")));

    /** No settings of its own. */
    public static final class Settings {
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        SettingsBinder.bind(new Settings(), settings, NAME);
        return new RefusalGuardrail();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Stage defaultStage() {
        return Stage.POST;
    }

    @Override
    public boolean checks(Stage stage) {
        return stage == Stage.POST;
    }

    @Override
    public boolean judgesUsability() {
        return true;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        if (check.response() != null) {
            for (JsonNode choice : check.response().json().path("choices")) {
                JsonNode refusal = choice.path("message").get("refusal");
                if (refusal != null && refusal.isTextual() && !refusal.asText().isEmpty()) {
                    return refused();
                }
            }
        }
        for (TextSlot slot : check.texts().slots()) {
            if (refuses(slot.text())) {
                return refused();
            }
        }
        return CompletableFuture.completedFuture(Verdict.pass());
    }

    /** Whether the opening of an answer is a refusal. */
    static boolean refuses(String answer) {
        String opening = answer.length() > OPENING ? answer.substring(0, OPENING) : answer;
        boolean[] found = new boolean[1];
        RULES.find(opening, (start, end, kind) -> found[0] = true);
        return found[0];
    }

    private static CompletionStage<Verdict> refused() {
        return CompletableFuture.completedFuture(Verdict.scored(1, "the model refused to answer."));
    }
}
