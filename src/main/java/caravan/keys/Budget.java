package caravan.keys;

import java.math.BigDecimal;

/**
 * What a key or a tenant may spend in a period, in US dollars at the model catalog's list prices.
 *
 * @param usd    the most it may spend per period; null when it has no budget
 * @param period the period the spend counts in ({@link BudgetPeriod#MONTH} unless set)
 */
public record Budget(BigDecimal usd, BudgetPeriod period) {

    public static final Budget NONE = new Budget(null, BudgetPeriod.MONTH);

    public Budget {
        period = period == null ? BudgetPeriod.MONTH : period;
    }

    public boolean limited() {
        return usd != null;
    }
}
