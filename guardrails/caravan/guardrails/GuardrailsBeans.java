package caravan.guardrails;

/** The names the guardrails' shared objects are bound under in the registry. */
public final class GuardrailsBeans {

    /** {@link GuardrailFactory}: makes configured guardrails from routes, keys and the environment. */
    public static final String FACTORY = "guardrailFactory";
    /** {@link GuardrailChecks}: which guardrails check a call, and running them. */
    public static final String CHECKS = "guardrailChecks";

    private GuardrailsBeans() {
    }
}
