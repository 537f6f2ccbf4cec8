"""Identify an uploaded clip against the fingerprint index. A sync endpoint: FastAPI runs it in a worker thread,
so decoding and fingerprinting never block the event loop. The clip is decoded as a stream and refused with 413
(``ClipTooLong``) once it passes ``Limits.identify_max_seconds`` of audio, so a small upload that decodes to hours
costs no more memory than the cap."""

from __future__ import annotations

import copy
import re
import tempfile
from contextlib import suppress
from pathlib import Path, PurePath

from fastapi import APIRouter, File, Request, UploadFile

from songclear.api.auth import ADMIN, PLATFORM, RIGHTS_HOLDER, Caller, Principal, require
from songclear.api.state import ApiState, state
from songclear.api.uploads import Upload, read_upload
from songclear.errors import AudioError, NotFound, SongclearError
from songclear.store.repository import LedgerRepository

router = APIRouter(tags=["audio"])


@router.post(
    "/identify", summary="Which registered recordings an audio clip contains (rate-limited per token)"
)
def identify(
    request: Request,
    file: UploadFile = File(..., description="An audio clip: mp3, m4a/aac, ogg, opus, flac, wav."),
    who: Principal = Caller,
) -> dict:
    require(who, ADMIN, PLATFORM, RIGHTS_HOLDER)  # the regulator reads; it does not upload
    st = state(request)
    st.identify_limiter.hit(who.token_id or who.actor)
    return _identify(st, read_upload(file))


def _identify(st: ApiState, upload: Upload) -> dict:
    from songclear.app.fingerprints import search_clips

    index = st.fingerprint_index()
    with tempfile.TemporaryDirectory(prefix="songclear-clip-") as folder:
        path = Path(folder) / f"clip{_suffix(upload.name)}"  # the suffix tells the decoder what it reads
        path.write_bytes(upload.data)
        (result,) = search_clips(index, [path], max_seconds=st.limits.identify_max_seconds)
    if result.error is not None:
        raise _as_upload_error(
            result.failure, f"{upload.name}: {result.error.replace(str(path), upload.name)}"
        )
    titles = {}
    with st.db.session() as session:  # only the matched recordings, not the whole ledger
        repo = LedgerRepository(session)
        for isrc in {m.recording_id for m in result.matches}:
            with suppress(NotFound):  # fingerprinted, but no longer (or not yet) in the ledger
                titles[isrc] = repo.get_recording(isrc).title
    result.clip = upload.name
    return result.as_dict(titles)


def _suffix(name: str) -> str:
    """The clip's file type from its name ('.mp3'), or none: the client's name is never a path on the server."""
    suffix = PurePath(name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""


def _as_upload_error(failure: SongclearError | None, message: str) -> SongclearError:
    """The clip's error with the upload's name instead of the temporary path: an ``AudioError`` (422, as
    documented) for a clip that cannot be decoded; a refusal with its own status keeps its class (413
    ``ClipTooLong`` for a clip over the cap)."""
    if not isinstance(failure, AudioError) or failure.http_status == AudioError.http_status:
        return AudioError(message)
    error = copy.copy(failure)
    error.message = message
    error.args = (message,)
    return error
