package caravan.keys;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/** How long a budget lasts before its spend starts again from 0: periods roll over on UTC boundaries. */
public enum BudgetPeriod {
    DAY, MONTH, TOTAL;

    /** The start of the period {@code now} falls in (the epoch for {@link #TOTAL}). */
    public Instant start(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return switch (this) {
            case DAY -> day.atStartOfDay().toInstant(ZoneOffset.UTC);
            case MONTH -> day.withDayOfMonth(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            case TOTAL -> Instant.EPOCH;
        };
    }

    /** The start of the next period ({@link Instant#MAX} for {@link #TOTAL}). */
    public Instant end(Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return switch (this) {
            case DAY -> day.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            case MONTH -> day.withDayOfMonth(1).plusMonths(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            case TOTAL -> Instant.MAX;
        };
    }

    /** The name the admin API and the store use: {@code day}, {@code month}, {@code total}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @return the period of that name, or null when there is none */
    public static BudgetPeriod of(String name) {
        for (BudgetPeriod period : values()) {
            if (period.wireName().equals(name)) {
                return period;
            }
        }
        return null;
    }
}
