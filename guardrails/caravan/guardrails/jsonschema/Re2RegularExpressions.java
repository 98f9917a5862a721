package caravan.guardrails.jsonschema;

import com.google.re2j.Pattern;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;

/**
 * JSON Schema's {@code pattern} and {@code patternProperties} run by RE2/J: schemas come with requests, and a
 * backtracking engine would let one crafted pattern hold a thread for as long as it likes; RE2's time is
 * linear in the text. ECMA-262 features RE2 lacks (lookaround, backreferences) make the schema unusable
 * here, which the guardrail reports as a check it could not make.
 */
final class Re2RegularExpressions implements RegularExpressionFactory {

    static final Re2RegularExpressions INSTANCE = new Re2RegularExpressions();

    @Override
    public RegularExpression getRegularExpression(String regex) {
        Pattern pattern = Pattern.compile(regex);
        // JSON Schema patterns are not anchored: they match when found anywhere in the string
        return value -> pattern.matcher(value).find();
    }
}
