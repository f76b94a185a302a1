package io.vitals.connector.file;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.Test;

/** A rejected row's text is what Commons CSV's printer writes, whether the fast join or the printer made it. */
class CsvRowsTest {

    @Test
    void theRowTextIsThePrintersOnRandomRows() {
        Random random = new Random(2026);
        String alphabet = "ab1 #!\"',;\t\n\r-_é€=";
        for (char delimiter : new char[] {',', ';', '\t', '|'}) {
            CSVFormat format = CsvRows.rawFormat(delimiter);
            for (int n = 0; n < 20_000; n++) {
                String[] values = new String[1 + random.nextInt(5)];
                for (int i = 0; i < values.length; i++) {
                    StringBuilder v = new StringBuilder();
                    int length = random.nextInt(4) == 0 ? 0 : random.nextInt(6);
                    for (int k = 0; k < length; k++) {
                        // mostly plain letters, as real rows are, so both ways are taken often
                        v.append(random.nextInt(3) == 0 ? alphabet.charAt(random.nextInt(alphabet.length())) : (char) ('a' + random.nextInt(26)));
                    }
                    values[i] = v.toString();
                }
                assertEquals(format.format((Object[]) values), CsvRows.rawText(format, delimiter, values),
                        "delimiter " + (int) delimiter + ", values " + String.join("|", values));
            }
        }
    }

    @Test
    void plainRowsAreJoinedAsThePrinterWould() {
        CSVFormat format = CsvRows.rawFormat(',');
        String[] row = {"bench-7", "c8", "u7", "dashboard_view", "1790000049"};
        assertEquals("bench-7,c8,u7,dashboard_view,1790000049", CsvRows.rawText(format, ',', row));
        assertEquals(format.format((Object[]) row), CsvRows.rawText(format, ',', row));
        String[] emptyInside = {"a", "", "b"};
        assertEquals("a,,b", CsvRows.rawText(format, ',', emptyInside));
    }
}
