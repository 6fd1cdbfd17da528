"""Port of docker/swarm v1.2.5 cluster/image.go: an image on an engine.

Only what the scheduler needs is ported: :class:`Image` with ``match`` and
:func:`parse_repository_tag` (the affinity filter matches ``image==redis``
against the repository part of every tag). Go's ``Images.Filter`` serves the
``GET /images/json`` API of the swarm manager and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from swarmnotes.swarm.cluster.container import _truncate_id

if TYPE_CHECKING:  # the cluster's Engine (cluster/engine.go) is written separately
    from swarmnotes.swarm.cluster.engine import Engine

__all__ = ["Image", "parse_repository_tag"]


def parse_repository_tag(repos: str) -> tuple[str, str]:
    """Split an image reference into its repository and its tag or digest.

    A digest reference splits at ``@``. Otherwise the reference splits at
    its **last** ``:``, unless the text after it contains a ``/``: then that
    colon belonged to a registry port and there is no tag.

    >>> parse_repository_tag("localhost.localdomain:5000/samalba/hipache:latest")
    ('localhost.localdomain:5000/samalba/hipache', 'latest')
    >>> parse_repository_tag("localhost:5000/foo/bar")
    ('localhost:5000/foo/bar', '')

    Go: cluster.ParseRepositoryTag
    """
    if "@" in repos:
        # Go: strings.Split(repos, "@") then parts[0], parts[1]: a second "@"
        # and whatever follows it are dropped.
        parts = repos.split("@")
        return parts[0], parts[1]
    n = repos.rfind(":")
    if n < 0:
        return repos, ""
    tag = repos[n + 1 :]
    if "/" not in tag:
        return repos[:n], tag
    return repos, ""


@dataclass(eq=False)
class Image:
    """An image as an engine lists it (``GET /images/json``), and the engine it is on.

    ``eq=False``: two images are the same only if they are the same object,
    like Go's ``*Image`` pointers.
    """

    # Go: Image embeds engine-api's types.Image. Python: the fields the
    # scheduler reads are attributes; the whole list entry is in ``summary``.

    id: str = ""
    repo_tags: list[str] = field(default_factory=list)
    repo_digests: list[str] = field(default_factory=list)
    engine: Engine | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def match(self, id_or_name: str, match_tag: bool) -> bool:
        """Whether ``id_or_name`` names this image.

        Tried in order: the full ID, an ID prefix of more than two characters
        (with or without the ``sha256:`` part), then each repo tag and each
        repo digest. With ``match_tag`` false any tag of the right repository
        matches; otherwise the tag must be equal, or absent from the query.

        Go: (*Image).Match
        """
        size = len(id_or_name)

        if self.id == id_or_name or (size > 2 and self.id.startswith(id_or_name)):
            return True

        # Retry without the "sha256:" algorithm part of the ID.
        _, sep, hex_part = self.id.partition(":")
        if sep and (hex_part == id_or_name or (size > 2 and hex_part.startswith(id_or_name))):
            return True

        repo_name, tag = parse_repository_tag(id_or_name)

        for image_repo_tag in self.repo_tags:
            image_repo_name, image_tag = parse_repository_tag(image_repo_tag)
            if not match_tag and image_repo_name == repo_name:
                return True
            if image_repo_name == repo_name and (image_tag == tag or tag == ""):
                return True

        for image_repo_digest in self.repo_digests:
            image_repo_name, image_digest = parse_repository_tag(image_repo_digest)
            if not match_tag and image_repo_name == repo_name:
                return True
            if image_repo_name == repo_name and (image_digest == tag or tag == ""):
                return True
        return False

    def __repr__(self) -> str:
        return f"<Image {_truncate_id(self.id)} {self.repo_tags}>"
