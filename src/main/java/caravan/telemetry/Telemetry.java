package caravan.telemetry;

import java.util.List;

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
        for (CallListener listener : listeners) {
            try {
                listener.onAttempt(attempt);
            } catch (RuntimeException e) {
                LOG.warn("Telemetry listener {} failed on an attempt", listener, e);
            }
        }
    }

    @Override
    public void onCall(CallRecord call) {
        for (CallListener listener : listeners) {
            try {
                listener.onCall(call);
            } catch (RuntimeException e) {
                LOG.warn("Telemetry listener {} failed on a call", listener, e);
            }
        }
    }

    @Override
    public void onMirror(MirrorOutcome outcome) {
        for (CallListener listener : listeners) {
            try {
                listener.onMirror(outcome);
            } catch (RuntimeException e) {
                LOG.warn("Telemetry listener {} failed on a mirror outcome", listener, e);
            }
        }
    }

    @Override
    public void onGuardrail(String guardrail, String route, boolean passed) {
        for (CallListener listener : listeners) {
            try {
                listener.onGuardrail(guardrail, route, passed);
            } catch (RuntimeException e) {
                LOG.warn("Telemetry listener {} failed on a guardrail outcome", listener, e);
            }
        }
    }
}
