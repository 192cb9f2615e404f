package io.quarkbar.bench.callee;

import io.quarkbar.wamp.client.WampProcedure;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The callee of the rpc-extension scenario: the load generator calls with the arguments of its own
 * pre-encoded calls ({@code ["bench-payload-0123456789", 42, true]}), and each procedure answers
 * with them. A procedure's result is one positional argument, so the RESULT carries them as one
 * list ({@code [[...]]}); the scenario's pre-encoded callee answers the same way, so that every row
 * moves the same bytes.
 */
public class EchoProcedures {

  /** Returns a {@code Uni}: runs on the connection's event loop. */
  @WampProcedure("bench.echo.uni")
  Uni<List<Object>> echoUni(String text, int number, boolean flag) {
    return Uni.createFrom().item(List.of(text, number, flag));
  }

  /** A plain method: runs on a worker thread, within quarkbar.wamp.max-concurrent-blocking. */
  @WampProcedure("bench.echo.blocking")
  List<Object> echoBlocking(String text, int number, boolean flag) {
    return List.of(text, number, flag);
  }
}
