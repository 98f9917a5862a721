package caravan.limits;

import java.time.Instant;

/**
 * One budget a call spends against, in its current period.
 *
 * @param scope     {@code key} or {@code tenant}
 * @param owner     the key's or tenant's id
 * @param account   the store's name for this budget in this period, e.g. {@code key:key_ab12:1733011200}
 * @param limitNanoUsd the budget, in nano-dollars
 * @param expiresAt when the period ends ({@link Instant#MAX} for a total budget)
 */
public record BudgetAccount(String scope, String owner, String account, long limitNanoUsd, Instant expiresAt) {
}
