package caravan.guardrails;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A guardrail as configured for a place in the flow: which stage it checks, what it does with what it finds,
 * the score that flags (where it scores), the fraction of calls it checks, and whether the call waits for it.
 * Made once per configuration (at start, when a route starts, when a key's settings are read), never per call.
 */
public final class GuardrailStep {

    private final Guardrail guardrail;
    private final Stage stage;
    private final Action action;
    private final double threshold;
    private final double sample;
    private final Mode mode;

    /**
     * @throws IllegalArgumentException for a combination that cannot work: a stage the guardrail does not
     *                                  check, {@code redact} on a guardrail that cannot point at what to
     *                                  replace, a threshold or sample outside 0..1
     */
    public GuardrailStep(Guardrail guardrail, Stage stage, Action action, double threshold, double sample, Mode mode) {
        if (!guardrail.checks(stage)) {
            throw new IllegalArgumentException("guardrail '" + guardrail.name() + "' does not check the " + stage.wireName()
                    + " stage");
        }
        if (action == Action.REDACT && !guardrail.redacts()) {
            throw new IllegalArgumentException("guardrail '" + guardrail.name() + "' cannot redact; use block or warn");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1, not " + threshold);
        }
        if (!(sample >= 0 && sample <= 1)) {
            throw new IllegalArgumentException("sample must be between 0 and 1, not " + sample);
        }
        this.guardrail = guardrail;
        this.stage = stage;
        this.action = action;
        this.threshold = threshold;
        this.sample = sample;
        this.mode = mode;
    }

    public Guardrail guardrail() {
        return guardrail;
    }

    public String name() {
        return guardrail.name();
    }

    public Stage stage() {
        return stage;
    }

    public Action action() {
        return action;
    }

    public double threshold() {
        return threshold;
    }

    public double sample() {
        return sample;
    }

    public Mode mode() {
        return mode;
    }

    /** The same guardrail, run beside the call and recorded only: what a stream's end cannot wait for. */
    GuardrailStep beside() {
        return mode == Mode.ASYNC ? this : new GuardrailStep(guardrail, stage, action, threshold, sample, Mode.ASYNC);
    }

    /** Whether this call is one of the sampled ones. */
    public boolean sampled() {
        return sample >= 1 || sample > 0 && ThreadLocalRandom.current().nextDouble() < sample;
    }

    /** Whether a verdict's score flags the call. */
    public boolean flags(Verdict verdict) {
        return verdict.score() >= threshold && verdict.score() > 0;
    }

    @Override
    public String toString() {
        return guardrail.name() + ":" + action.wireName() + ":" + stage.wireName()
                + (mode == Mode.ASYNC ? ":async" : "") + (sample < 1 ? "@" + sample : "");
    }
}
