package caravan.processors.admin;

import java.time.Clock;
import java.time.Instant;

import caravan.api.Json;
import caravan.keys.Budget;
import caravan.keys.KeyRegistry;
import caravan.keys.Limits;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import caravan.limits.Budgets;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The dashboard's view of keys and tenants ({@code budgets} in {@code /v1/caravan/stats}): limits, budget,
 * spend in the current period and what remains, one row each; live keys only. Reads spend from the
 * stores: blocking, on the store's pool.
 */
public final class BudgetsOverview {

    private final KeyRegistry keys;
    private final Budgets budgets;
    private final Clock clock;

    public BudgetsOverview(KeyRegistry keys, Budgets budgets, Clock clock) {
        this.keys = keys;
        this.budgets = budgets;
        this.clock = clock;
    }

    public ObjectNode snapshot() {
        Instant now = clock.instant();
        ObjectNode overview = Json.MAPPER.createObjectNode();
        ArrayNode rows = overview.putArray("rows");
        for (Tenant tenant : keys.tenants()) {
            row(rows, "tenant", tenant.id(), tenant.id(), tenant.id(), tenant.limits(), tenant.budget(), now);
        }
        for (VirtualKey key : keys.keys()) {
            if (key.live(now)) {
                row(rows, "key", key.id(), key.name() == null ? key.prefix() + "…" : key.name(), key.tenant(),
                        key.limits(), key.budget(), now);
            }
        }
        return overview;
    }

    private void row(ArrayNode rows, String scope, String id, String name, String tenant, Limits limits, Budget budget,
                     Instant now) {
        long spent = budgets.spentNow(Budgets.account(scope, id, budget, now));
        ObjectNode row = rows.addObject();
        row.put("scope", scope).put("id", id).put("name", name).put("tenant", tenant);
        row.put("rpm", limits.rpm()).put("tpm", limits.tpm());
        row.put("budgetUsd", budget.limited() ? budget.usd().doubleValue() : null);
        row.put("period", budget.period().wireName());
        row.put("spendUsd", spent / 1e9);
        row.put("remainingUsd", budget.limited() ? Math.max(0, Budgets.nanos(budget.usd()) - spent) / 1e9 : null);
    }
}
