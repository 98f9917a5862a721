package caravan.guardrails.pii;

import java.util.Set;
import java.util.function.Consumer;

import caravan.guardrails.Finding;
import caravan.guardrails.Source;
import caravan.guardrails.TextScanner;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;

/**
 * Finds personal data in one left-to-right pass, without regular expressions: most characters cost one
 * comparison, and work happens only where a kind of data can start. An {@code @} looks for an e-mail address
 * around it; a digit, {@code +} or {@code (} at a word's start reads a run of digit groups once, which is then
 * read as an IPv4 address, a US social security number (valid area, group and serial), a card number (13 to
 * 19 digits of a card network's range, Luhn-checked), or a phone number (libphonenumber, for the configured
 * region or the number's own {@code +} prefix); two capitals and two digits at a word's start look for an IBAN
 * (a known country's length, mod-97 checked); a run of hex digits with colons for an IPv6 address. Every
 * look is bounded (an address is at most 320 characters, a digit run 64) and the pass never goes back past
 * what it has read but by that bound, so the time is linear in the text whatever it holds.
 */
final class PiiScanner implements TextScanner {

    /** The longest e-mail address: 64 characters of local part, the {@code @}, 253 of domain (and a little room). */
    static final int MAX_SPAN = 320;
    private static final int MAX_LOCAL = 64;
    private static final int MAX_DOMAIN = 253;
    private static final int MAX_RUN = 64;
    private static final int MAX_GROUPS = 16;
    private static final int MAX_IPV6 = 45;
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private final Set<PiiType> types;
    private final String region;

    PiiScanner(Set<PiiType> types, String region) {
        this.types = types;
        this.region = region;
    }

    @Override
    public int maxSpan() {
        return MAX_SPAN;
    }

    @Override
    public void scan(String text, Source source, int slot, Consumer<Finding> found) {
        new Pass(text, slot, found).run();
    }

    private final class Pass {
        private final String text;
        private final int length;
        private final int slot;
        private final Consumer<Finding> found;
        /** No finding starts before this: the end of the last one. */
        private int floor;
        private int lastAt = -1;
        private final int[] groupStart = new int[MAX_GROUPS];
        private final int[] groupEnd = new int[MAX_GROUPS];

        Pass(String text, int slot, Consumer<Finding> found) {
            this.text = text;
            this.length = text.length();
            this.slot = slot;
            this.found = found;
        }

        void run() {
            // an IPv6 address has colons: most texts have none, and then no word start is read as hex
            boolean colons = types.contains(PiiType.IP_ADDRESS) && text.indexOf(':') >= 0;
            int i = 0;
            while (i < length) {
                char c = text.charAt(i);
                int next = -1;
                if (c == '@') {
                    if (types.contains(PiiType.EMAIL)) {
                        next = email(i);
                    }
                    lastAt = i;
                } else if (wordStart(i)) {
                    if (colons && (hex(c) || c == ':') && (i == 0 || text.charAt(i - 1) != ':')) {
                        next = ipv6(i);
                    }
                    if (next < 0 && (digit(c) || c == '+' || c == '(')) {
                        next = numberRun(i);
                    }
                    if (next < 0 && c >= 'A' && c <= 'Z' && types.contains(PiiType.IBAN)) {
                        next = iban(i);
                    }
                }
                i = next > i ? next : i + 1;
            }
        }

        private boolean wordStart(int i) {
            return i == 0 || !letterOrDigit(text.charAt(i - 1));
        }

        private boolean wordEnd(int end) {
            return end >= length || !letterOrDigit(text.charAt(end));
        }

        private void report(int start, int end, PiiType type) {
            found.accept(new Finding(slot, start, end, type.label(), type.kind()));
            floor = end;
        }

        /** An address around the {@code @} at {@code at}; its end, or -1. */
        private int email(int at) {
            int limit = Math.max(Math.max(floor, lastAt + 1), at - MAX_LOCAL);
            int start = at;
            while (start > limit && local(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '.') {
                start++;
            }
            if (start == at || text.charAt(at - 1) == '.') {
                return -1;
            }
            int end = at + 1;
            int max = Math.min(length, at + 1 + MAX_DOMAIN);
            while (end < max && domain(text.charAt(end))) {
                end++;
            }
            while (end > at + 1 && (text.charAt(end - 1) == '.' || text.charAt(end - 1) == '-')) {
                end--;
            }
            if (!validDomain(at + 1, end)) {
                return -1;
            }
            report(start, end, PiiType.EMAIL);
            return end;
        }

        /** Labels of letters, digits and inner hyphens, at least two of them, the last of two or more letters. */
        private boolean validDomain(int start, int end) {
            int labels = 0;
            int labelStart = start;
            for (int k = start; k <= end; k++) {
                if (k == end || text.charAt(k) == '.') {
                    if (k == labelStart || text.charAt(labelStart) == '-' || text.charAt(k - 1) == '-') {
                        return false;
                    }
                    labels++;
                    if (k == end) {
                        if (k - labelStart < 2) {
                            return false;
                        }
                        for (int t = labelStart; t < k; t++) {
                            if (!letter(text.charAt(t))) {
                                return false;
                            }
                        }
                    }
                    labelStart = k + 1;
                }
            }
            return labels >= 2;
        }

        /**
         * Reads the run of digit groups starting at {@code start} (an optional {@code +} or {@code (} first,
         * groups joined by one or two of space, hyphen, dot, slash and parentheses) and reports what it is.
         * Returns the run's end, so the pass does not read it again.
         */
        private int numberRun(int start) {
            int j = start;
            if (text.charAt(j) == '+' || text.charAt(j) == '(') {
                j++;
                if (j < length && text.charAt(j) == '(') {
                    j++;
                }
            }
            int groups = 0;
            int limit = Math.min(length, start + MAX_RUN);
            while (j < limit && digit(text.charAt(j)) && groups < MAX_GROUPS) {
                int groupFrom = j;
                while (j < limit && digit(text.charAt(j))) {
                    j++;
                }
                groupStart[groups] = groupFrom;
                groupEnd[groups] = j;
                groups++;
                int separator = j;
                while (separator < limit && separator - j < 2 && joiner(text.charAt(separator))) {
                    separator++;
                }
                if (separator == j || separator >= limit || !digit(text.charAt(separator))) {
                    break;
                }
                j = separator;
            }
            if (groups == 0) {
                return -1;
            }
            int end = groupEnd[groups - 1];
            boolean cut = end >= limit && end < length && digit(text.charAt(end));
            if (cut || !wordEnd(end) || end < length && text.charAt(end) == '@') {
                // part of a longer number or word, or an address's local part: not data of its own
                return end;
            }
            if (groups == 4 && types.contains(PiiType.IP_ADDRESS) && ipv4(groups)) {
                report(groupStart[0], end, PiiType.IP_ADDRESS);
                return end;
            }
            if (fixed(0, groups - 1)) {
                return end;
            }
            if (types.contains(PiiType.PHONE) && phone(start, end, 0, groups - 1)) {
                report(start, end, PiiType.PHONE);
                return end;
            }
            // a card or SSN among other numbers ("order 12, card 4111 1111 1111 1111")
            for (int a = 0; a < groups; a++) {
                for (int b = groups - 1; b >= a; b--) {
                    if ((a > 0 || b < groups - 1) && fixed(a, b)) {
                        a = b;
                        break;
                    }
                }
            }
            return end;
        }

        /** Reports groups a..b as a card number or an SSN when they are one. */
        private boolean fixed(int a, int b) {
            if (types.contains(PiiType.SSN) && ssn(a, b)) {
                report(groupStart[a], groupEnd[b], PiiType.SSN);
                return true;
            }
            if (types.contains(PiiType.CREDIT_CARD) && card(a, b)) {
                report(groupStart[a], groupEnd[b], PiiType.CREDIT_CARD);
                return true;
            }
            return false;
        }

        private boolean ipv4(int groups) {
            for (int g = 0; g < groups; g++) {
                int digits = groupEnd[g] - groupStart[g];
                if (digits > 3 || g > 0 && !separatedBy(g, ".") || Integer.parseInt(text, groupStart[g], groupEnd[g], 10) > 255) {
                    return false;
                }
            }
            return true;
        }

        /** {@code ddd-dd-dddd} (or with spaces): not area 000, 666 or 9xx, group 00, serial 0000. */
        private boolean ssn(int a, int b) {
            if (b - a != 2 || groupEnd[a] - groupStart[a] != 3 || groupEnd[a + 1] - groupStart[a + 1] != 2
                    || groupEnd[b] - groupStart[b] != 4) {
                return false;
            }
            String separator = separator(a + 1);
            if (!(separator.equals("-") || separator.equals(" ")) || !separator.equals(separator(b))) {
                return false;
            }
            int area = Integer.parseInt(text, groupStart[a], groupEnd[a], 10);
            return area != 0 && area != 666 && area < 900 && Integer.parseInt(text, groupStart[a + 1], groupEnd[a + 1], 10) != 0
                    && Integer.parseInt(text, groupStart[b], groupEnd[b], 10) != 0;
        }

        /** 13 to 19 digits, one kind of separator or none, a card network's first digit (2 to 6), Luhn-valid. */
        private boolean card(int a, int b) {
            int digits = 0;
            for (int g = a; g <= b; g++) {
                digits += groupEnd[g] - groupStart[g];
            }
            if (digits < 13 || digits > 19) {
                return false;
            }
            char first = text.charAt(groupStart[a]);
            if (first < '2' || first > '6') {
                return false;
            }
            String separator = b > a ? separator(a + 1) : "";
            if (!(separator.isEmpty() || separator.equals(" ") || separator.equals("-"))) {
                return false;
            }
            StringBuilder number = new StringBuilder(digits);
            for (int g = a; g <= b; g++) {
                if (g > a && !separator(g).equals(separator)) {
                    return false;
                }
                number.append(text, groupStart[g], groupEnd[g]);
            }
            return Checksums.luhn(number);
        }

        /** Seven to fifteen digits that libphonenumber takes for a valid number, for the region or by their + prefix. */
        private boolean phone(int start, int end, int a, int b) {
            int digits = 0;
            for (int g = a; g <= b; g++) {
                digits += groupEnd[g] - groupStart[g];
            }
            if (digits < 7 || digits > 15) {
                return false;
            }
            try {
                return PHONES.isValidNumber(PHONES.parse(text.substring(start, end), region));
            } catch (NumberParseException notANumber) {
                return false;
            }
        }

        private String separator(int group) {
            return text.substring(groupEnd[group - 1], groupStart[group]);
        }

        private boolean separatedBy(int group, String separator) {
            return separator(group).equals(separator);
        }

        /**
     * An IBAN at {@code start}: country letters, check digits, then letters and digits, in groups of four or not.
     * Returns its end when it has an IBAN's shape (reported only when its checksum holds), else -1.
     */
        private int iban(int start) {
            if (start + 4 > length || !(text.charAt(start + 1) >= 'A' && text.charAt(start + 1) <= 'Z')
                    || !digit(text.charAt(start + 2)) || !digit(text.charAt(start + 3))) {
                return -1;
            }
            StringBuilder compact = new StringBuilder(34);
            int j = start;
            int end = start;
            while (j < length && compact.length() < 34) {
                char c = text.charAt(j);
                if (digit(c) || c >= 'A' && c <= 'Z') {
                    compact.append(c);
                    j++;
                    end = j;
                } else if (c == ' ' && j + 1 < length && (compact.length() % 4 == 0) && alnumUpper(text.charAt(j + 1))) {
                    j++;
                } else {
                    break;
                }
            }
            if (!wordEnd(end) || compact.length() < 15) {
                return -1;
            }
            if (!Checksums.iban(compact)) {
                // IBAN-shaped but wrong: its digits are not read again as a card or a phone number
                return end;
            }
            report(start, end, PiiType.IBAN);
            return end;
        }

        /** An IPv6 address at {@code start}: hex groups and colons (one {@code ::} at most, an IPv4 tail allowed). */
        private int ipv6(int start) {
            int end = start;
            int limit = Math.min(length, start + MAX_IPV6 + 1);
            int colons = 0;
            while (end < limit && (hex(text.charAt(end)) || text.charAt(end) == ':' || text.charAt(end) == '.')) {
                if (text.charAt(end) == ':') {
                    colons++;
                }
                end++;
            }
            if (colons < 2 || end - start > MAX_IPV6) {
                return -1;
            }
            while (end > start && text.charAt(end - 1) == '.') {
                end--;
            }
            if (end < length && (letterOrDigit(text.charAt(end)) || text.charAt(end) == ':')) {
                return -1;
            }
            if (!validIpv6(start, end)) {
                return -1;
            }
            report(start, end, PiiType.IP_ADDRESS);
            return end;
        }

        private boolean validIpv6(int start, int end) {
            String candidate = text.substring(start, end);
            int hexDigits = 0;
            boolean decimal = false;
            for (int k = 0; k < candidate.length(); k++) {
                char c = candidate.charAt(k);
                if (hex(c)) {
                    hexDigits++;
                }
                decimal |= digit(c);
            }
            if (hexDigits < 3 || !decimal) {
                // "a::b" in code, "dead:beef:" in prose: too weak to call an address
                return false;
            }
            int gap = candidate.indexOf("::");
            if (gap >= 0 && candidate.indexOf("::", gap + 1) >= 0) {
                return false;
            }
            String[] halves = gap >= 0 ? new String[]{candidate.substring(0, gap), candidate.substring(gap + 2)}
                    : new String[]{candidate};
            int groups = 0;
            for (int h = 0; h < halves.length; h++) {
                if (halves[h].isEmpty()) {
                    continue;
                }
                String[] parts = halves[h].split(":", -1);
                for (int p = 0; p < parts.length; p++) {
                    String part = parts[p];
                    boolean last = h == halves.length - 1 && p == parts.length - 1;
                    if (last && part.indexOf('.') >= 0) {
                        if (!dottedQuad(part)) {
                            return false;
                        }
                        groups += 2;
                    } else if (part.isEmpty() || part.length() > 4 || part.indexOf('.') >= 0) {
                        return false;
                    } else {
                        groups++;
                    }
                }
            }
            return gap >= 0 ? groups <= 7 : groups == 8;
        }

        private boolean dottedQuad(String part) {
            String[] octets = part.split("\\.", -1);
            if (octets.length != 4) {
                return false;
            }
            for (String octet : octets) {
                if (octet.isEmpty() || octet.length() > 3) {
                    return false;
                }
                for (int k = 0; k < octet.length(); k++) {
                    if (!digit(octet.charAt(k))) {
                        return false;
                    }
                }
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean letter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean letterOrDigit(char c) {
        return digit(c) || letter(c) || c > 127 && Character.isLetterOrDigit(c);
    }

    private static boolean alnumUpper(char c) {
        return digit(c) || c >= 'A' && c <= 'Z';
    }

    private static boolean hex(char c) {
        return digit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean joiner(char c) {
        return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')';
    }

    private static boolean local(char c) {
        return letter(c) || digit(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }

    private static boolean domain(char c) {
        return letter(c) || digit(c) || c == '.' || c == '-';
    }
}
