package caravan.guardrails;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.processor.SendProcessor;

/**
 * The guardrails a named route places itself ({@code guardrail:} steps): a route that names any replaces the
 * gateway's default set, and its post-stage ones are also run on a streamed answer, which passes the route's
 * steps before they could see it. Found by walking the route's processors once per route as it is now (a
 * reloaded route is walked again), as the load balancers find the models they call.
 */
final class RouteGuardrails {

    private record Walked(Route route, List<GuardrailStep> steps) {
    }

    private final Map<String, Walked> byRoute = new ConcurrentHashMap<>();

    /** The route's own guardrails, in the order its steps place them; empty for none or no such route. */
    List<GuardrailStep> of(CamelContext context, String routeId) {
        if (routeId == null) {
            return List.of();
        }
        Route route = context.getRoute(routeId);
        if (route == null) {
            return List.of();
        }
        Walked walked = byRoute.get(routeId);
        if (walked == null || walked.route() != route) {
            walked = new Walked(route, walk(route.getProcessor()));
            byRoute.put(routeId, walked);
        }
        return walked.steps();
    }

    private static List<GuardrailStep> walk(Processor start) {
        List<GuardrailStep> steps = new ArrayList<>();
        Deque<Object> pending = new ArrayDeque<>();
        pending.add(start);
        while (!pending.isEmpty()) {
            Object next = pending.poll();
            if (next instanceof SendProcessor send && send.getDestination() instanceof GuardrailEndpoint guardrail) {
                steps.add(guardrail.step());
            }
            if (next instanceof Navigate<?> navigate && navigate.hasNext()) {
                List<?> children = navigate.next();
                if (children != null) {
                    pending.addAll(children);
                }
            }
        }
        return List.copyOf(steps);
    }
}
