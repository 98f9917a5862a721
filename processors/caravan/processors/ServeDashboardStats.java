package caravan.processors;

import caravan.api.Json;
import caravan.keys.StorePool;
import caravan.processors.admin.BudgetsOverview;
import caravan.processors.admin.SpendOverview;
import caravan.telemetry.LiveStats;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /v1/caravan/stats}: the figures the {@code /ui} dashboard shows (README: "Observability"),
 * with this month's spend by tenant and model from the usage ledger ({@code spend}; null while the store
 * cannot be read) and each key's and tenant's limits, budget and spend ({@code budgets}), both read on the
 * store's pool, off the event loop.
 */
public final class ServeDashboardStats extends AsyncProcessorSupport {

    private final LiveStats stats;
    private final SpendOverview spend;
    private final BudgetsOverview budgets;
    private final StorePool pool;

    /** @param budgets the keys' and tenants' view, or null when the gateway has none */
    public ServeDashboardStats(LiveStats stats, SpendOverview spend, BudgetsOverview budgets, StorePool pool) {
        this.stats = stats;
        this.spend = spend;
        this.budgets = budgets;
        this.pool = pool;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        pool.submit(() -> {
            ObjectNode snapshot = Json.MAPPER.valueToTree(stats.snapshot());
            try {
                snapshot.set("spend", spend.snapshot());
            } catch (RuntimeException storeDown) {
                // the live figures still answer; the page says the ledger cannot be read
                snapshot.putNull("spend");
            }
            if (budgets != null) {
                snapshot.set("budgets", budgets.snapshot());
            }
            return Json.MAPPER.writeValueAsBytes(snapshot);
        }).whenComplete((body, failure) -> {
            if (failure != null) {
                exchange.setException(failure);
            } else {
                exchange.getMessage().setBody(body);
                exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
            }
            callback.done(false);
        });
        return false;
    }
}
