package caravan.processors.admin;

import java.time.Instant;

import caravan.keys.Budget;
import caravan.keys.Limits;
import caravan.limits.Budgets;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The fields keys and tenants share in admin answers: limits, budget with this period's spend, times. */
final class AdminJson {

    private AdminJson() {
    }

    static void limits(ObjectNode json, Limits limits) {
        json.put("rpm", limits.rpm());
        json.put("tpm", limits.tpm());
        json.put("max_parallel", limits.maxParallel());
        json.put("user_rpm", limits.userRpm());
        json.put("user_tpm", limits.userTpm());
    }

    /** The budget, the spend in its current period and what is left of it (null without a budget). */
    static void budget(ObjectNode json, Budget budget, long spentNanoUsd, Instant now) {
        json.put("budget_usd", budget.usd());
        json.put("budget_period", budget.period().wireName());
        json.put("spend_usd", Budgets.usd(spentNanoUsd));
        json.put("budget_remaining_usd", budget.limited()
                ? Budgets.usd(Math.max(0, Budgets.nanos(budget.usd()) - spentNanoUsd)) : null);
        json.put("period_start", time(budget.period().start(now)));
        json.put("period_end", budget.period() == caravan.keys.BudgetPeriod.TOTAL ? null : time(budget.period().end(now)));
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
