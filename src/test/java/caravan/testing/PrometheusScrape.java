package caravan.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a {@code GET /metrics} answer in the Prometheus text format. */
public final class PrometheusScrape {

    private PrometheusScrape() {
    }

    /** The sum of a family's samples whose labels contain {@code labels} (in Prometheus's sorted label order). */
    public static double value(String scrape, String name, String labels) {
        Matcher samples = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        double sum = 0;
        while (samples.find()) {
            if (samples.group(1).contains(labels)) {
                sum += Double.parseDouble(samples.group(2));
            }
        }
        return sum;
    }
}
