using System.Diagnostics;
using LocalSidecar.Hosting;
using LocalSidecar.NameResolution;

namespace LocalSidecar.Actors;

/// <summary>Sends an actor request to the sidecar that owns the actor: runs it locally when that is this sidecar,
/// otherwise over the sidecar-to-sidecar hop (<c>/_internal/actors/...</c>). While membership changes (an owner
/// draining or still settling, or one that just went away), the owner is resolved again and the request retried.</summary>
public sealed class ActorRouter(INameResolver resolver, TimeProvider time, Invocation.SidecarHop hop) : IDisposable
{
    /// <summary>How long a request keeps looking for the owner while membership changes.</summary>
    private static readonly TimeSpan RoutingDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>This sidecar's instance id once it is registered.</summary>
    public string? SelfInstanceId { get; set; }

    /// <summary>The owner of the actor under the current membership; null when no live instance hosts its type.</summary>
    public SidecarAddress? OwnerOf(ActorKey actor) =>
        ActorPlacement.Owner(ActorPlacement.Hosts(resolver.ResolveAll(), actor.Type), actor.Type, actor.Id);

    /// <param name="local">Runs the request here; answers <see cref="ActorResponse.NotOwner"/> when this sidecar cannot serve it yet.</param>
    /// <param name="path">The path after <c>/_internal/actors/{type}/{id}/</c>, escaped.</param>
    /// <param name="failure">The answer when no owner can be found or reached, given the reason.</param>
    public async Task<ActorResponse> RouteAsync(
        ActorKey actor,
        Func<Task<ActorResponse>> local,
        RemoteActorRequest remote,
        Func<string, ActorResponse> failure,
        CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + RoutingDeadline;
        while (true)
        {
            if (OwnerOf(actor) is not { } owner)
            {
                return failure($"did not find address for actor {actor}");
            }

            string problem;
            if (owner.InstanceId == SelfInstanceId)
            {
                var answer = await local();
                if (!answer.IsNotOwner)
                {
                    return answer;
                }

                problem = "this sidecar is not ready to serve the actor";
            }
            else
            {
                try
                {
                    using var request = remote.ToMessage(owner, actor);
                    // The host sidecar's CallActor span continues this sidecar's span (see Diagnostics/).
                    if (System.Diagnostics.Activity.Current is { } span && span.Source.Name == Diagnostics.SidecarTracing.ScopeName)
                    {
                        request.Headers.Remove("traceparent");
                        request.Headers.TryAddWithoutValidation("traceparent", Diagnostics.SidecarTracing.Traceparent(span));
                    }

                    using var response = await hop.For(owner.AppId).SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    var answer = await ActorResponse.ReadAsync(response, cancellationToken);
                    if (!answer.IsNotOwner)
                    {
                        return answer;
                    }

                    problem = $"the sidecar at {owner.InternalBaseUri} does not serve the actor";
                }
                catch (HttpRequestException e)
                {
                    problem = $"the sidecar at {owner.InternalBaseUri} is unreachable: {Invocation.HopFailure.Describe(e)}";
                }
            }

            if (time.GetUtcNow() > deadline)
            {
                return failure($"no owner of actor {actor} answered: {problem}");
            }

            await Task.Delay(RetryDelay, time, cancellationToken);
        }
    }

    public void Dispose() => hop.Dispose();
}

/// <summary>The sidecar-to-sidecar form of an actor request; <see cref="Path"/> follows <c>/_internal/actors/{type}/{id}/</c>.</summary>
public sealed record RemoteActorRequest(HttpMethod Method, string Path, byte[] Body, IReadOnlyList<KeyValuePair<string, string[]>> Headers)
{
    public HttpRequestMessage ToMessage(SidecarAddress owner, ActorKey actor)
    {
        var target = new Uri(owner.InternalBaseUri, $"{Sidecar.InternalPrefix}/actors/{Uri.EscapeDataString(actor.Type)}/{Uri.EscapeDataString(actor.Id)}/{Path}");
        var request = new HttpRequestMessage(Method, target) { Content = new ByteArrayContent(Body) };
        foreach (var (name, values) in Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return request;
    }
}
