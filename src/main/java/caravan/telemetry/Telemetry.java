package caravan.telemetry;

import java.util.List;
import java.util.function.Consumer;

import caravan.routing.MirrorOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each event to every listener (metrics, the dashboard's live stats). A failing listener is logged
 * and skipped: telemetry never fails a call.
 */
public final class Telemetry implements CallListener {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);

    /** Listens to nothing: for gateways built without telemetry (unit tests of single parts). */
    public static final Telemetry NONE = new Telemetry(List.of());

    private final List<CallListener> listeners;

    public Telemetry(List<CallListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onAttempt(AttemptRecord attempt) {
        tell("an attempt", listener -> listener.onAttempt(attempt));
    }

    @Override
    public void onCall(CallRecord call) {
        tell("a call", listener -> listener.onCall(call));
    }

    @Override
    public void onMirror(MirrorOutcome outcome) {
        tell("a mirror outcome", listener -> listener.onMirror(outcome));
    }

    @Override
    public void onGuardrail(String guardrail, String route, boolean passed) {
        tell("a guardrail outcome", listener -> listener.onGuardrail(guardrail, route, passed));
    }

    private void tell(String what, Consumer<CallListener> event) {
        for (CallListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                LOG.warn("Telemetry listener {} failed on {}", listener, what, e);
            }
        }
    }
}
