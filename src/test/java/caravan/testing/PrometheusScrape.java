package caravan.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a {@code GET /metrics} answer in the Prometheus text format. */
public final class PrometheusScrape {

    private PrometheusScrape() {
    }

    /**
     * The sum of a family's samples whose labels contain {@code labels} (in Prometheus's sorted label order;
     * {@code ""} for a sample without labels).
     */
    public static double value(String scrape, String name, String labels) {
        Matcher samples = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{([^}]*)\\})? (\\S+)$").matcher(scrape);
        double sum = 0;
        while (samples.find()) {
            String sampleLabels = samples.group(1) == null ? "" : samples.group(1);
            if (sampleLabels.contains(labels)) {
                sum += Double.parseDouble(samples.group(2));
            }
        }
        return sum;
    }
}
