"""Demos and video: scripted demos (`script`, validated JSON steps) and the video writers
(`video`, MP4 and GIF from raw frames). No pygame: the window plays scripts in
`game.view.playback` and renders frames in `game.view.app`.
"""
