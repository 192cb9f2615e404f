package io.quarkbar.forum.support;

import io.quarkus.hibernate.orm.PersistenceUnitExtension;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hibernate.resource.jdbc.spi.StatementInspector;

/**
 * Test-only: Hibernate ORM hands every SQL statement it prepares to this inspector, on the thread
 * that runs it; it notes the thread, and whether it is a Vert.x event loop.
 */
@PersistenceUnitExtension
@ApplicationScoped
public class StatementThreads implements StatementInspector {

  /** One statement, and where it ran. */
  public record Statement(String sql, String thread, boolean onEventLoop) {}

  private final List<Statement> seen = new CopyOnWriteArrayList<>();

  @Override
  public String inspect(String sql) {
    seen.add(new Statement(sql, Thread.currentThread().getName(), Context.isOnEventLoopThread()));
    return sql;
  }

  public List<Statement> seen() {
    return List.copyOf(seen);
  }

  public void clear() {
    seen.clear();
  }
}
