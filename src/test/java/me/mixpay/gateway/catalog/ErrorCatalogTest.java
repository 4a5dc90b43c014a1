package me.mixpay.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Proves the catalog against MixPay's error-code page as shipped in {@code ../shared/mixpay/error-codes.md}:
 * every row of both tables is in the catalog, in the right table, with the same message, and nothing
 * else is.
 */
class ErrorCatalogTest {

    private record Row(Table table, int code, String message) {
    }

    private final ErrorCatalog catalog = ErrorCatalog.mixpay();

    @Test
    void everyRowOfThePageIsInTheCatalogWithTheSameMessage() throws IOException {
        List<Row> rows = pageRows();
        assertThat(rows).as("rows read from the page").hasSizeGreaterThan(60);

        for (Row row : rows) {
            Optional<ErrorCode> entry = catalog.lookup(row.code(), row.table());
            assertThat(entry).as("%s %d", row.table(), row.code()).isPresent();
            assertThat(entry.get().message()).as("%s %d", row.table(), row.code()).isEqualTo(row.message());
        }
        assertThat(catalog.entries()).as("catalog entries not on the page").hasSameSizeAs(rows);
    }

    @Test
    void bothTablesAreCoveredAndNumbersInBothResolveToTheBasicRow() throws IOException {
        List<Row> rows = pageRows();
        assertThat(rows).filteredOn(r -> r.table() == Table.BASIC).hasSize(28);
        assertThat(rows).filteredOn(r -> r.table() == Table.REFUND_REASON).hasSize(42);

        assertThat(catalog.lookup(10011).orElseThrow().table()).isEqualTo(Table.BASIC);
        assertThat(catalog.lookup(10011, Table.REFUND_REASON).orElseThrow().message()).isEqualTo("Parameter error.");
        assertThat(catalog.lookup(40000).orElseThrow().table()).isEqualTo(Table.REFUND_REASON);
    }

    @Test
    void categoriesFollowTheRules() {
        assertThat(catalog.categorize(0)).isEqualTo(Category.SUCCESS);
        assertThat(catalog.categorize(-1)).isEqualTo(Category.TRANSIENT);
        assertThat(catalog.categorize(10034)).isEqualTo(Category.TRANSIENT);
        assertThat(catalog.categorize(40009)).isEqualTo(Category.TRANSIENT);
        assertThat(catalog.categorize(1429)).isEqualTo(Category.RATE_LIMITED);
        assertThat(catalog.categorize(10008)).isEqualTo(Category.MAINTENANCE);
        assertThat(catalog.categorize(10009)).isEqualTo(Category.MAINTENANCE);
        assertThat(catalog.categorize(40011)).isEqualTo(Category.MAINTENANCE);
        assertThat(catalog.categorize(10000)).isEqualTo(Category.AUTH);
        assertThat(catalog.categorize(2000)).isEqualTo(Category.AUTH);
        assertThat(catalog.categorize(1017)).isEqualTo(Category.CLIENT_ERROR);
        assertThat(catalog.categorize(10011)).isEqualTo(Category.CLIENT_ERROR);
        assertThat(catalog.categorize(10010)).isEqualTo(Category.BUSINESS);
        assertThat(catalog.categorize(40021)).isEqualTo(Category.BUSINESS);
        assertThat(catalog.categorize(123456)).isEqualTo(Category.UNKNOWN);
        assertThat(catalog.categorize(Long.MAX_VALUE)).isEqualTo(Category.UNKNOWN);
    }

    @Test
    void everyEntrySaysWhy() {
        assertThat(catalog.entries()).allSatisfy(e -> assertThat(e.why()).isNotBlank());
        assertThat(catalog.entries()).noneMatch(e -> e.category() == Category.UNKNOWN
                || e.category() == Category.SUCCESS || e.category() == Category.UNPARSEABLE);
    }

    private static List<Row> pageRows() throws IOException {
        Path page = Path.of(System.getProperty("mixpay.error-codes-page", "../shared/mixpay/error-codes.md"));
        assertThat(page).as("MixPay's error-code page (shared/mixpay/error-codes.md beside the project)").exists();
        List<Row> rows = new ArrayList<>();
        Table table = null;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("### Basic code")) {
                table = Table.BASIC;
            } else if (line.startsWith("### Reason for refund")) {
                table = Table.REFUND_REASON;
            } else if (table != null && line.startsWith("|")) {
                String[] cells = line.split("\\|");
                String code = cells[1].trim();
                if (code.matches("-?\\d+")) {
                    rows.add(new Row(table, Integer.parseInt(code), cells[2].trim()));
                }
            }
        }
        return rows;
    }
}
