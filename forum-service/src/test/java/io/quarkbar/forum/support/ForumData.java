package io.quarkbar.forum.support;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Test-only: empties the forum, so that each test counts threads from zero. */
@ApplicationScoped
public class ForumData {

  @Inject EntityManager em;

  @Transactional
  public void clear() {
    em.createNativeQuery("truncate table post, thread").executeUpdate();
  }
}
