package caravan.routing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.processor.SendProcessor;

/** Finds the model a load balancer's step calls: the first {@code to: model:...} inside it. */
final class Steps {

    private Steps() {
    }

    /** The target of the step's first {@code model:} call, or null when it calls none. */
    static Target targetOf(Processor step) {
        Deque<Object> pending = new ArrayDeque<>();
        pending.add(step);
        while (!pending.isEmpty()) {
            Object next = pending.poll();
            if (next instanceof SendProcessor send && send.getDestination() instanceof ModelEndpoint model) {
                return model.getTarget();
            }
            if (next instanceof Navigate<?> navigate && navigate.hasNext()) {
                List<?> children = navigate.next();
                if (children != null) {
                    pending.addAll(children);
                }
            }
        }
        return null;
    }
}
