package caravan.api;

import java.util.regex.Pattern;

/** Name patterns where {@code *} stands for any run of characters and everything else is literal. */
public final class Globs {

    private Globs() {
    }

    public static Pattern compile(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
