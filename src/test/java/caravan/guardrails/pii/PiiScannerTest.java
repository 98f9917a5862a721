package caravan.guardrails.pii;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import caravan.guardrails.Scanned;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each kind of personal data found where it is, and its near misses left alone. */
class PiiScannerTest {

    private static final PiiScanner ALL = new PiiScanner(EnumSet.allOf(PiiType.class), "US");

    @Test
    void emailAddresses() {
        assertThat(Scanned.texts(ALL, "write to john.doe+news@mail.example.co.uk, or to a@b.io.")).containsExactly(
                "john.doe+news@mail.example.co.uk", "a@b.io");
        assertThat(Scanned.texts(ALL, "user@localhost, @handle, a@b.c, me@-bad.com, x@y..com")).isEmpty();
        assertThat(Scanned.redacted(ALL, "mail jane@example.org now")).isEqualTo("mail [EMAIL] now");
    }

    @Test
    void cardNumbersPassTheLuhnCheck() {
        assertThat(Scanned.texts(ALL, "card 4111 1111 1111 1111 exp 12/29")).containsExactly("4111 1111 1111 1111");
        assertThat(Scanned.texts(ALL, "visa 4111-1111-1111-1111.")).containsExactly("4111-1111-1111-1111");
        assertThat(Scanned.texts(ALL, "amex 378282246310005")).containsExactly("378282246310005");
        // sixteen digits that fail Luhn, and a Luhn-valid number outside any card range
        assertThat(Scanned.texts(ALL, "ref 4111 1111 1111 1112")).isEmpty();
        assertThat(Scanned.texts(ALL, "id 1111111111111117")).isEmpty();
        // mixed separators are not how a card is written
        assertThat(Scanned.texts(ALL, "4111 1111-1111 1111")).isEmpty();
        assertThat(Scanned.redacted(ALL, "order 12, card 4111 1111 1111 1111")).isEqualTo("order 12, card [CREDIT_CARD]");
    }

    @Test
    void ibansPassTheirChecksum() {
        assertThat(Scanned.texts(ALL, "IBAN DE89 3704 0044 0532 0130 00 please")).containsExactly("DE89 3704 0044 0532 0130 00");
        assertThat(Scanned.texts(ALL, "GB82WEST12345698765432")).containsExactly("GB82WEST12345698765432");
        assertThat(Scanned.texts(ALL, "IBAN DE89 3704 0044 0532 0130 01")).isEmpty();
        // a valid checksum at the wrong length for the country
        assertThat(Scanned.texts(ALL, "DE8937040044053201300")).isEmpty();
        assertThat(Scanned.redacted(ALL, "to GB82 WEST 1234 5698 7654 32")).isEqualTo("to [IBAN]");
    }

    @Test
    void socialSecurityNumbers() {
        assertThat(Scanned.in(ALL, "SSN 123-45-6789").get(0).label()).isEqualTo("SSN");
        assertThat(Scanned.texts(ALL, "000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000")).isEmpty();
    }

    @Test
    void phoneNumbersAreReadByLibphonenumber() {
        assertThat(Scanned.texts(ALL, "call +1 415-555-2671 or (415) 555-2671 today")).containsExactly("+1 415-555-2671",
                "(415) 555-2671");
        assertThat(Scanned.texts(ALL, "Ruf an: +49 30 123456, or +44 121 234 5678")).containsExactly("+49 30 123456", "+44 121 234 5678");
        assertThat(Scanned.texts(ALL, "version 12345, room 555-1234567890123, 2024-01-15")).isEmpty();
    }

    @Test
    void ipAddresses() {
        assertThat(Scanned.texts(ALL, "from 192.168.1.20 and 2001:db8::8a2e:370:7334, fe80::1.")).containsExactly(
                "192.168.1.20", "2001:db8::8a2e:370:7334", "fe80::1");
        assertThat(Scanned.texts(ALL, "999.1.1.1, 1.2.3, std::vector, at 10:30:00, dead::beef, 00:1a:2b:3c:4d:5e")).isEmpty();
        assertThat(Scanned.redacted(ALL, "host 10.0.0.1 down")).isEqualTo("host [IP_ADDRESS] down");
    }

    @Test
    void onlyTheConfiguredTypesAreLookedFor() {
        PiiScanner emails = new PiiScanner(Set.of(PiiType.EMAIL), "US");

        assertThat(Scanned.texts(emails, "me@example.com 4111 1111 1111 1111 10.0.0.1")).containsExactly("me@example.com");
    }

    @Test
    void nothingInPlainProseOrCode() {
        List<String> found = Scanned.texts(ALL, """
                The quick brown fox jumps over the lazy dog 3 times in 2024. See section 4.2.1 of RFC 5321 and \
                call foo::bar(12, 34) at 10:45; the answer is 42. Email me? No: Twitter @handle.""");

        assertThat(found).isEmpty();
    }
}
