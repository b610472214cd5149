package org.distill4j.run;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;

/** JSON for run artifacts: pretty for documents, one line for metrics records. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    private Json() {
    }

    public static String pretty(Object o) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String line(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What is wrong with a file Jackson could not read, in a few words for a one-line error: {@code cut short at
     * line 3} (a file that ends mid-value, or is empty) or {@code not valid JSON at line 3, column 7: <reason>}.
     */
    public static String problem(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String msg = String.valueOf(e.getOriginalMessage());
        if (e instanceof JsonEOFException || msg.contains("end-of-input")) {
            return "cut short" + (at == null ? "" : " at line " + at.getLineNr());
        }
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        String first = msg.lines().findFirst().orElse("");
        int cut = first.indexOf(": was expecting");
        return (e instanceof JsonParseException ? "not valid JSON" : "unexpected content") + where + ": "
                + (cut > 0 ? first.substring(0, cut) : first);
    }

    public static void write(Path file, Object o) throws IOException {
        AtomicFiles.writeString(file, pretty(o));
    }
}
