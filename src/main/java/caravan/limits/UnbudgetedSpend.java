package caravan.limits;

import java.time.Instant;

import caravan.keys.KeyRegistry;
import caravan.keys.Tenant;
import caravan.keys.VirtualKey;
import caravan.telemetry.CallListener;
import caravan.telemetry.CallRecord;

/**
 * The spend of keys and tenants that have no budget, so the admin API can still say what each spent this
 * period: each finished call's cost is added to its key's and tenant's account (a budgeted account is
 * kept by its reservations instead, never twice). Counts only: the write happens in the spend log's batch.
 */
public final class UnbudgetedSpend implements CallListener {

    private final KeyRegistry keys;
    private final Budgets budgets;

    public UnbudgetedSpend(KeyRegistry keys, Budgets budgets) {
        this.keys = keys;
        this.budgets = budgets;
    }

    @Override
    public void onCall(CallRecord call) {
        if (call.costUsd() == null || call.costUsd().signum() <= 0) {
            return;
        }
        long nanos = Budgets.nanos(call.costUsd());
        Instant now = Instant.ofEpochMilli(call.startedAtMillis());
        VirtualKey key = keys.key(call.keyId());
        if (key != null && !key.budget().limited()) {
            budgets.record(Budgets.account("key", key.id(), key.budget(), now), nanos);
        }
        Tenant tenant = keys.tenant(call.tenant());
        if (tenant != null && !tenant.budget().limited()) {
            budgets.record(Budgets.account("tenant", tenant.id(), tenant.budget(), now), nanos);
        }
    }
}
