"""Writes the small .npy fixtures of NpyTest with numpy (run: python3 make_npy_fixtures.py)."""
import numpy as np

np.save('f4_2x3.npy', (np.arange(6, dtype='<f4') / 4 - 0.5).reshape(2, 3))
np.save('f2_4.npy', np.array([0.0, 1.5, -2.25, 65504.0], dtype='<f2'))
np.save('f8_big_2x2.npy', np.array([[1.25, -3.5], [1e-3, 2.0]], dtype='>f8'))
np.save('i8_3.npy', np.array([0, -1, 9007199254740993], dtype='<i8'))
np.save('i4_big_2x2.npy', np.array([[1, -2], [300000, 4]], dtype='>i4'))
np.save('u1_2x2.npy', np.array([[0, 255], [128, 7]], dtype='u1'))
np.save('b1_3.npy', np.array([True, False, True]))
np.save('scalar_f4.npy', np.float32(3.5))
np.save('fortran_2x3.npy', np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
with open('v2_f4_3.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([1.0, 2.0, 3.0], dtype='<f4'), version=(2, 0))
with open('v3_i4_2.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([7, -8], dtype='<i4'), version=(3, 0))
