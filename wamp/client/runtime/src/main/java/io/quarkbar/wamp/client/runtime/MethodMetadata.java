package io.quarkbar.wamp.client.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * What the build found about one {@code @WampProcedure} or {@code @WampSubscribe} method, recorded
 * for run time: its URI and options, where it runs, and the types of its parameters and result as
 * canonical type names that Jackson reads ({@code java.util.List<com.example.Post>}).
 */
public class MethodMetadata {

  /** Where an invocation runs. */
  public enum Execution {
    EVENT_LOOP,
    WORKER,
    VIRTUAL_THREAD
  }

  /** What the method returns. */
  public enum Returns {
    VOID,
    VALUE,
    OPTIONAL,
    UNI,
    COMPLETION_STAGE,
    MULTI
  }

  /** What a parameter is. */
  public enum ParameterKind {
    /** An argument of the call or event. */
    DATA,
    /** The {@code InvocationDetails}. */
    INVOCATION_DETAILS,
    /** The {@code EventDetails}. */
    EVENT_DETAILS
  }

  private boolean procedure;
  private String uri;
  private String match = "exact";
  private String invoke = "single";
  private boolean discloseCaller;
  private String connection = "";
  private Execution execution = Execution.WORKER;
  private Returns returns = Returns.VOID;
  private String resultType = "java.lang.Object";
  private List<String> parameterNames = new ArrayList<>();
  private List<String> parameterTypes = new ArrayList<>();
  private List<ParameterKind> parameterKinds = new ArrayList<>();
  private String description;

  public boolean isProcedure() {
    return procedure;
  }

  public void setProcedure(boolean procedure) {
    this.procedure = procedure;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public String getMatch() {
    return match;
  }

  public void setMatch(String match) {
    this.match = match;
  }

  public String getInvoke() {
    return invoke;
  }

  public void setInvoke(String invoke) {
    this.invoke = invoke;
  }

  public boolean isDiscloseCaller() {
    return discloseCaller;
  }

  public void setDiscloseCaller(boolean discloseCaller) {
    this.discloseCaller = discloseCaller;
  }

  public String getConnection() {
    return connection;
  }

  public void setConnection(String connection) {
    this.connection = connection;
  }

  public Execution getExecution() {
    return execution;
  }

  public void setExecution(Execution execution) {
    this.execution = execution;
  }

  public Returns getReturns() {
    return returns;
  }

  public void setReturns(Returns returns) {
    this.returns = returns;
  }

  /** The type of the result itself: {@code T} of {@code Uni<T>}, {@code Optional<T>}, ... */
  public String getResultType() {
    return resultType;
  }

  public void setResultType(String resultType) {
    this.resultType = resultType;
  }

  public List<String> getParameterNames() {
    return parameterNames;
  }

  public void setParameterNames(List<String> parameterNames) {
    this.parameterNames = parameterNames;
  }

  public List<String> getParameterTypes() {
    return parameterTypes;
  }

  public void setParameterTypes(List<String> parameterTypes) {
    this.parameterTypes = parameterTypes;
  }

  public List<ParameterKind> getParameterKinds() {
    return parameterKinds;
  }

  public void setParameterKinds(List<ParameterKind> parameterKinds) {
    this.parameterKinds = parameterKinds;
  }

  /** {@code Class#method} for logs and errors. */
  public String getDescription() {
    return description;
  }

  public void setDescription(String description) {
    this.description = description;
  }
}
