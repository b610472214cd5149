package org.distill4j.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A YAML parser that reads the YAML float specials ({@code .nan}, {@code .inf}, {@code -.inf}, in any of YAML's
 * spellings) as the doubles they stand for (Jackson's YAML parser resolves them to floats but then fails to parse
 * the text), and a float beyond the range of a double ({@code 1e400}) as the decimal it is written as. Both reach the
 * binder as numbers, where {@link Obj#number} says that they are not finite and shows them as written.
 */
final class YamlFloats extends JsonParserDelegate {
    private static final Pattern SPECIAL = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    YamlFloats(JsonParser d) {
        super(d);
    }

    /** The double a YAML float special at the current token stands for, or null when it is not one. */
    private Double special() throws IOException {
        if (currentToken() != JsonToken.VALUE_NUMBER_FLOAT) {
            return null;
        }
        String t = delegate.getText();
        if (t == null || !SPECIAL.matcher(t).matches()) {
            return null;
        }
        return t.endsWith("n") || t.endsWith("N") ? Double.NaN
                : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    /** True when the current token is a float too large for a double (it is then read as a decimal). */
    private boolean outOfRange() throws IOException {
        return currentToken() == JsonToken.VALUE_NUMBER_FLOAT && special() == null
                && Double.isInfinite(delegate.getDoubleValue());
    }

    @Override
    public NumberType getNumberType() throws IOException {
        return special() != null ? NumberType.DOUBLE : outOfRange() ? NumberType.BIG_DECIMAL : delegate.getNumberType();
    }

    @Override
    public Number getNumberValue() throws IOException {
        Double s = special();
        return s != null ? s : outOfRange() ? delegate.getDecimalValue() : delegate.getNumberValue();
    }

    @Override
    public Number getNumberValueExact() throws IOException {
        return getNumberValue();
    }

    @Override
    public double getDoubleValue() throws IOException {
        Double s = special();
        return s != null ? s : delegate.getDoubleValue();
    }

    @Override
    public float getFloatValue() throws IOException {
        Double s = special();
        return s != null ? s.floatValue() : delegate.getFloatValue();
    }

    @Override
    public BigDecimal getDecimalValue() throws IOException {
        if (special() != null) {
            throw new com.fasterxml.jackson.core.JsonParseException(this, getText() + " has no decimal value");
        }
        return delegate.getDecimalValue();
    }

    @Override
    public boolean isNaN() throws IOException {
        Double s = special();
        return s != null ? !Double.isFinite(s) : delegate.isNaN();
    }
}
