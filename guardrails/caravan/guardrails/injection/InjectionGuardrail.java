package caravan.guardrails.injection;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import caravan.guardrails.Check;
import caravan.guardrails.Guardrail;
import caravan.guardrails.GuardrailServices;
import caravan.guardrails.SettingsBinder;
import caravan.guardrails.Source;
import caravan.guardrails.Stage;
import caravan.guardrails.TextSlot;
import caravan.guardrails.Verdict;

/**
 * {@code injection}: prompt injection in what the user typed (direct) and, judged separately and more
 * strictly, in third-party text (tool results, {@code tool} messages, documents handed in) where it is
 * indirect. The rules ({@link InjectionRules}) read every text first, on the calling thread: a rule that
 * matches scores 1 and decides. Otherwise the classifier ({@link InjectionScorer}, over the in-process
 * embedding model, off the event loop) scores the texts, and the highest score is compared with the
 * configured {@code threshold}; when it cannot score now, the rules' verdict stands. It points at no span to
 * replace, so it blocks or warns.
 */
public final class InjectionGuardrail implements Guardrail {

    public static final String NAME = "injection";

    /** The guardrail's own settings. */
    public static final class Settings {
        private Set<Source> sources = EnumSet.of(Source.USER, Source.THIRD_PARTY);

        /** Which texts to judge: {@code user}, {@code third_party} (both by default). */
        public void setSources(List<String> names) {
            EnumSet<Source> chosen = EnumSet.noneOf(Source.class);
            for (String name : names) {
                switch (name.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
                    case "user" -> chosen.add(Source.USER);
                    case "third_party", "tool" -> chosen.add(Source.THIRD_PARTY);
                    default -> throw new IllegalArgumentException("sources are user and third_party, not '" + name + "'");
                }
            }
            if (chosen.isEmpty()) {
                throw new IllegalArgumentException("name at least one source");
            }
            sources = chosen;
        }
    }

    private final Set<Source> sources;
    /** Null: the rules alone. */
    private final InjectionScorer scorer;

    InjectionGuardrail(Set<Source> sources, InjectionScorer scorer) {
        this.sources = sources;
        this.scorer = scorer;
    }

    public static Guardrail create(Map<String, Object> settings, GuardrailServices services) {
        Settings bound = SettingsBinder.bind(new Settings(), settings, NAME);
        InjectionScorer scorer = services == null ? null : services.injectionScorer();
        if (scorer != null) {
            // made at start (the default set), when a route starts or a key's settings are first read: the
            // model loads now, not on the first call, which would otherwise be left to the rules
            scorer.prepare();
        }
        return new InjectionGuardrail(bound.sources, scorer);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * 0.5, where the classifier thinks an injection more likely than not: cross-validated on the labelled set's
     * training part (with the cue features), it is where precision and recall are both highest together (0.900
     * and 0.889; 0.928 and 0.849 at 0.6). It was 0.6 before the cues, when 0.5 cost too many false alarms.
     */
    public static final double DEFAULT_THRESHOLD = 0.5;

    @Override
    public double defaultThreshold() {
        return DEFAULT_THRESHOLD;
    }

    @Override
    public Stage defaultStage() {
        return Stage.PRE;
    }

    @Override
    public boolean checks(Stage stage) {
        return stage == Stage.PRE;
    }

    @Override
    public CompletionStage<Verdict> check(Check check) {
        List<TextSlot> judged = new ArrayList<>();
        for (TextSlot slot : check.texts().slots()) {
            if (sources.contains(slot.source())) {
                judged.add(slot);
                String kind = InjectionRules.firstFound(slot.text(), slot.source());
                if (kind != null) {
                    return CompletableFuture.completedFuture(new Verdict(1, kind + " in " + InjectionRules.where(slot.source()),
                            List.of(), Map.of(), false, false));
                }
            }
        }
        if (scorer == null || judged.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.pass());
        }
        return scorer.highest(judged).thenApply(highest -> highest == null || highest.source() == null ? Verdict.pass()
                : Verdict.scored(highest.score(), "text that reads as a prompt injection (score " + String.format(Locale.ROOT,
                "%.2f", highest.score()) + ") in " + InjectionRules.where(highest.source())));
    }
}
